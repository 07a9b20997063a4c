"""The frame every team operation runs in: who acts, role checks, the registry.

A team operation is a plain function ``fn(ctx, **args) -> result`` registered
with `@operation`. It checks what it must, changes the store inside
``ctx.store.write()`` and records an audit row (``ctx.audit``) and, for things
clients should see live, an event (``ctx.event``) in that same transaction.
The daemon, the tests and the demo all call operations through `call()`; the
result must be JSON-serialisable. Things that are not stored (who is looking
at which thread) live in `Context.presence`, shared by the daemon's contexts;
an operation that changes them appends a passing event to `Context.passing`.
"""

from __future__ import annotations

import inspect
import sqlite3
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shareinbox.clock import Clock, SystemClock
from shareinbox.config import Config, StaffConfig
from shareinbox.errors import NotFound, PermissionDenied, ProtocolError
from shareinbox.service.presence import Presence
from shareinbox.store import audit as audit_log
from shareinbox.store import events as event_log
from shareinbox.store.db import Store

ROLE_RANK = {"agent": 0, "supervisor": 1, "admin": 2}


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member, or the daemon itself ("system")."""

    login: str
    name: str
    role: str = "agent"
    needs_approval: bool = False
    via: str = ""  # the real login when root acts as this staff member

    @classmethod
    def from_staff(cls, staff: StaffConfig, *, via: str = "") -> Actor:
        """The actor for a `[[staff]]` entry (`via`: root acting as them)."""
        return cls(staff.login, staff.name, staff.role, staff.needs_approval, via)

    @classmethod
    def system(cls) -> Actor:
        """The daemon acting on its own (sync, rules, reminders)."""
        return cls("system", "shareinbox", "admin", False)

    def at_least(self, role: str) -> bool:
        """True when this actor's role is `role` or higher."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


@dataclass
class Context:
    """Everything an operation needs: the store, the config, who acts, the time."""

    store: Store
    config: Config
    actor: Actor
    clock: Clock = field(default_factory=SystemClock)
    connection_id: str = ""
    presence: Presence = field(default_factory=Presence)
    # Passing events (seq null, not stored) for the daemon to push after the
    # operation returns: presence changes.
    passing: list[dict[str, Any]] = field(default_factory=list)
    stored_events: int = 0  # events this context wrote (the daemon pushes them)

    def now(self) -> float:
        """The current time (the context's clock)."""
        return self.clock.now()

    def staff_name(self, login: str | None) -> str | None:
        """The display name of a staff login (the login itself if unknown)."""
        if login is None:
            return None
        person = self.config.staff_by_login(login)
        return person.name if person else login

    def require(self, role: str, what: str) -> None:
        """Raise PermissionDenied unless the actor has at least `role`."""
        if not self.actor.at_least(role):
            raise PermissionDenied(
                f"{what} needs the {role} role; {self.actor.login} is {self.actor.role}. "
                "Ask a supervisor.",
                title="Not allowed",
            )

    def audit(
        self,
        conn: sqlite3.Connection,
        action: str,
        *,
        target: str = "",
        thread_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Record an audit row in the current write transaction.

        When root acts as a staff member, the detail names the real login
        (``via``), so the trail shows who really did it.
        """
        if self.actor.via:
            detail = {**(detail or {}), "via": self.actor.via}
        return audit_log.append(
            conn,
            at=self.now(),
            actor=self.actor.login,
            action=action,
            target=target,
            thread_id=thread_id,
            detail=detail,
        )

    def event(
        self,
        conn: sqlite3.Connection,
        kind: str,
        *,
        thread_id: int | None = None,
        data: dict[str, Any] | None = None,
    ) -> int:
        """Record an event for the clients in the current write transaction."""
        self.stored_events += 1
        return event_log.append(
            conn,
            kind,
            at=self.now(),
            thread_id=thread_id,
            actor=self.actor.login,
            data=data,
        )


Handler = Callable[..., Any]


@dataclass(frozen=True)
class Operation:
    """A registered team operation."""

    name: str
    fn: Handler
    role: str
    hints: dict[str, Any]
    signature: inspect.Signature


OPERATIONS: dict[str, Operation] = {}


def operation(name: str, *, role: str = "agent") -> Callable[[Handler], Handler]:
    """Register `fn(ctx, **args)` as the operation `name`, open to `role` and up."""

    def register(fn: Handler) -> Handler:
        if name in OPERATIONS:
            raise ValueError(f"operation {name!r} is registered twice")
        hints = typing.get_type_hints(fn)
        hints.pop("return", None)
        hints.pop("ctx", None)
        OPERATIONS[name] = Operation(name, fn, role, hints, inspect.signature(fn))
        return fn

    return register


def call(ctx: Context, name: str, args: dict[str, Any]) -> Any:
    """Run operation `name` with `args` (from a client), checking role and types.

    Raises:
        ProtocolError: unknown operation, or arguments of the wrong name or type.
        PermissionDenied: the actor's role is too low.
    """
    op = OPERATIONS.get(name)
    if op is None:
        raise ProtocolError(f"unknown operation {name!r}")
    ctx.require(op.role, name)
    try:
        op.signature.bind(ctx, **args)
    except TypeError as e:
        raise ProtocolError(f"{name}: {e}") from e
    for key, value in args.items():
        if not _matches(value, op.hints.get(key, Any)):
            raise ProtocolError(f"{name}: argument {key!r} has the wrong type")
    return op.fn(ctx, **args)


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (list, tuple) or hint in (list, tuple):
        return isinstance(value, list | tuple)
    if origin is dict or hint is dict:
        return isinstance(value, dict)
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    return isinstance(value, hint) if isinstance(hint, type) else True


def get_row(
    conn: sqlite3.Connection, table: str, row_id: int, what: str
) -> sqlite3.Row:
    """Fetch one row by id, or raise NotFound naming `what`."""
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    if row is None:
        raise NotFound(f"no {what} with id {row_id}")
    return typing.cast(sqlite3.Row, row)
