"""Orders of a thread: their links and the shop's order command.

`order_info` runs ``[orders] command`` in the operation's worker thread
(never on the daemon's event loop), holding no store lock while it runs,
and always answers: a failed lookup is a result with ``ok: false`` and an
error message, never an exception.
"""

from __future__ import annotations

from typing import Any

from shareinbox.errors import NotFound
from shareinbox.order_lookup import order_url, run_lookup
from shareinbox.service.core import Context, get_row, operation
from shareinbox.store import details


def _orders(ctx: Context, thread_id: int) -> list[str]:
    with ctx.store.read() as conn:
        get_row(conn, "thread", thread_id, "thread")
        return details.orders(conn, thread_id)


@operation("thread_orders")
def thread_orders(ctx: Context, thread_id: int) -> dict[str, Any]:
    """The order numbers found in a thread, each with its link.

    Returns:
        ``{"orders": [{"order_id", "url"}], "lookup": bool}``; ``lookup``
        says whether ``order_info`` can ask the order command.
    """
    template = ctx.config.orders.url
    return {
        "orders": [
            {"order_id": order_id, "url": order_url(template, order_id)}
            for order_id in _orders(ctx, thread_id)
        ],
        "lookup": bool(ctx.config.orders.command),
    }


@operation("order_info")
def order_info(ctx: Context, thread_id: int, order_id: str) -> dict[str, Any]:
    """What the order command says about one of a thread's orders.

    Raises:
        NotFound: the thread does not mention that order number.
    """
    if order_id not in _orders(ctx, thread_id):
        raise NotFound(f"thread {thread_id} does not mention order {order_id}")
    orders = ctx.config.orders
    result = run_lookup(orders.command, order_id, float(orders.timeout)).as_json()
    result["url"] = order_url(orders.url, order_id)
    return result
