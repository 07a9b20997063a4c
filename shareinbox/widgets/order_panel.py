"""The order panel beside a thread: its order numbers, each a terminal
hyperlink to the order system (``[orders] url``), and what the shop's
order command says about it (status, items, shipping).

The link is built by the daemon from the config's template and the
URL-quoted order number (`shareinbox.order_lookup.order_url`); this panel
only accepts it when it is a plain http(s) URL of printable ASCII, so
nothing from a mail can end or extend the OSC 8 sequence, and no text
from the mail itself ever becomes a link. The look-ups run in a worker,
one order after another; a failed look-up shows its error as text.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from shareinbox.errors import ShareinboxError
from shareinbox.i18n import _
from shareinbox.text import one_line

Request = Callable[..., Awaitable[Any]]
_SAFE_URL = re.compile(r"https?://[\x21-\x7e]+")
MAX_ITEMS = 20


def safe_link(url: Any) -> str | None:
    """`url` if it may go into an OSC 8 hyperlink, else None."""
    if isinstance(url, str) and _SAFE_URL.fullmatch(url):
        return url
    return None


def item_text(item: Any) -> str:
    """One item of an order: ``name ×2`` (or whatever the command gave)."""
    if isinstance(item, dict):
        name = item.get("name") or item.get("title") or item.get("sku") or ""
        quantity = item.get("quantity", item.get("qty"))
        shown = f"{name} ×{quantity}" if quantity is not None else str(name)
        return one_line(shown)
    return one_line(str(item))


def shipping_text(shipping: Any) -> str:
    """The shipping details on one line (``carrier: ヤマト運輸, ...``)."""
    if isinstance(shipping, dict):
        return one_line(", ".join(f"{k}: {v}" for k, v in shipping.items()))
    return one_line(str(shipping or ""))


def order_text(order: dict[str, Any], info: dict[str, Any] | None) -> Text:
    """One order: its number (a link if there is one) and its look-up."""
    number = one_line(str(order.get("order_id") or ""))
    link = safe_link(order.get("url"))
    text = Text(number, Style(bold=True, underline=link is not None, link=link))
    if info is None:
        return text
    if info.get("pending"):
        text.append("\n  " + _("Looking up…"), "dim")
    elif not info.get("ok"):
        error = one_line(str(info.get("error") or _("the look-up failed")))
        text.append("\n  " + _("Look-up failed: {error}").format(error=error), "red")
    else:
        text.append("\n  " + _("Status: {status}").format(
            status=one_line(str(info.get("status") or "-"))))  # fmt: skip
        for item in list(info.get("items") or [])[:MAX_ITEMS]:
            text.append("\n  · " + item_text(item))
        if info.get("shipping"):
            text.append("\n  " + _("Shipping: {shipping}").format(
                shipping=shipping_text(info["shipping"])))  # fmt: skip
    return text


class OrderPanel(Static):
    """The orders of one thread (hidden when it has none, or when there is
    neither an order link nor an order command to add to the header).

    Args:
        thread_id: the thread.
        request: runs a daemon operation (the app's ``request``).
    """

    DEFAULT_CSS = """
    OrderPanel { width: 36; height: 1fr; border-left: vkey $panel; padding: 0 1;
        display: none; overflow-y: auto; }
    """

    def __init__(self, thread_id: int, request: Request, *, id: str | None = None):
        super().__init__("", id=id, markup=False)
        self.thread_id = thread_id
        self._request = request
        self.orders: list[dict[str, Any]] = []  # shown; the thread screen
        # calls `follow` with the thread's order numbers after each load
        self.infos: dict[str, dict[str, Any]] = {}
        self.shown = Text()  # what the panel shows now

    def follow(self, order_ids: list[str]) -> None:
        """The thread now mentions `order_ids`: look again if they changed."""
        if [str(o["order_id"]) for o in self.orders] != [str(i) for i in order_ids]:
            self.reload()

    def reload(self) -> None:
        """Read the orders again and ask the order command about each."""
        self.run_worker(self._load(), exclusive=True, group="orders")

    async def _load(self) -> None:
        try:
            result = await self._request("thread_orders", thread_id=self.thread_id)
        except ShareinboxError as e:
            self.display = True
            self.shown = Text(one_line(e.message), "red")
            self.update(self.shown)
            return
        self.orders = list(result.get("orders") or [])
        lookup = bool(result.get("lookup"))
        # Without a link or a look-up the header's order numbers say it all.
        linked = any(safe_link(o.get("url")) for o in self.orders)
        self.display = bool(self.orders) and (lookup or linked)
        self.infos = {str(o["order_id"]): {"pending": True} for o in self.orders
                      if lookup}  # fmt: skip
        self._show()
        for order in self.orders if lookup else []:
            order_id = str(order["order_id"])
            self.infos[order_id] = await self._info(order_id)
            self._show()

    async def _info(self, order_id: str) -> dict[str, Any]:
        try:
            info: dict[str, Any] = await self._request(
                "order_info", thread_id=self.thread_id, order_id=order_id
            )
        except ShareinboxError as e:
            return {"ok": False, "error": e.message}
        return info

    def _show(self) -> None:
        text = Text(_("Orders") + "\n", "bold")
        for index, order in enumerate(self.orders):
            if index:
                text.append("\n\n")
            text.append_text(order_text(order, self.infos.get(str(order["order_id"]))))
        self.shown = text
        self.update(text)
