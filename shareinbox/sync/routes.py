"""Which SMTP server a reply goes through: the account's own or a mall relay.

Mall buyers write from masked addresses (``…@pc.fw.rakuten.ne.jp``,
``…@marketplace.amazon.co.jp``) and the mall accepts replies to them only
through its relay, logged in with the shop's relay login. An account names
its relays per recipient domain (``[[account.relay]] domains``); a domain
matches itself and its subdomains. Every recipient of one mail must take
the same route: a reply to a buyer and to someone else is two mails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shareinbox.config import AccountConfig, SmtpConfig
from shareinbox.errors import ProtocolError


@dataclass(frozen=True)
class Route:
    """An SMTP server and the password source of its login.

    Attributes:
        name: the relay's name, "" for the account's own server.
        smtp: host, port, security, username.
        password_key: the keyring key (``account`` or ``account.relay``).
        password_command: the command printing the password, if configured.
        from_address: the From this route requires ("" = the account's).
    """

    name: str
    smtp: SmtpConfig
    password_key: str
    password_command: str
    from_address: str = ""


def relay_name(account: AccountConfig, index: int) -> str:
    """The name of the account's relay number `index` ("relay1" if unnamed)."""
    return account.relays[index].name or f"relay{index + 1}"


def _domain_matches(domain: str, pattern: str) -> bool:
    return domain == pattern or domain.endswith("." + pattern)


def route_of(account: AccountConfig, address: str) -> Route:
    """The route for one recipient address."""
    domain = address.rpartition("@")[2].strip().lower()
    for index, relay in enumerate(account.relays):
        if any(_domain_matches(domain, d) for d in relay.domains):
            name = relay_name(account, index)
            return Route(
                name=name,
                smtp=relay.smtp,
                password_key=f"{account.name}.{name}",
                password_command=relay.smtp.password_command,
                from_address=relay.from_address,
            )
    return Route("", account.smtp, account.name, account.password_command)


def route_for(account: AccountConfig, recipients: Iterable[str]) -> Route:
    """The one route every recipient takes.

    Raises:
        ProtocolError: the recipients need different routes (or there are none).
    """
    routes: dict[str, list[str]] = {}
    chosen: Route | None = None
    for address in recipients:
        route = route_of(account, address)
        routes.setdefault(route.name, []).append(address)
        chosen = chosen or route
    if chosen is None:
        raise ProtocolError("the reply has no recipients")
    if len(routes) > 1:
        described = "; ".join(
            f"{', '.join(addrs)} via {name or 'the account server'}"
            for name, addrs in routes.items()
        )
        raise ProtocolError(
            "these recipients need different mail servers and cannot be in one "
            f"mail ({described}); send them separate replies"
        )
    return chosen


def describe(route: Route) -> str:
    """``relay rakuten (sub.fw.rakuten.ne.jp:587)`` or the account server."""
    where = f"{route.smtp.host}:{route.smtp.port}"
    return f"relay {route.name} ({where})" if route.name else where
