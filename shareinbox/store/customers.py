"""Customers: one row per person, found by any of their mail addresses.

Addresses are stored lower-case. A customer merged into another (by staff)
keeps its row with ``merged_into`` set; lookups follow that link, so mail
from any of the person's addresses lands on the surviving customer.

Mall buyers write from masked relay addresses (Rakuten
``…@pc.fw.rakuten.ne.jp``, Amazon ``…@marketplace.amazon.co.jp``), often a
new one per order. A masked address seen for the first time is filed under
the customer who already owns one of the order numbers in the mail, and a
buyer known only by masked addresses is joined by the first real address
that writes about one of their orders: one buyer's history stays together
across orders.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

MASKED_DOMAINS = ("fw.rakuten.ne.jp", "marketplace.amazon.co.jp")


def normalize_address(address: str) -> str:
    """The lower-case addr-spec used as the key of `customer_address`."""
    return address.strip().strip("<>").strip().lower()


def find_customer(conn: sqlite3.Connection, address: str) -> int | None:
    """The customer that owns `address` (following merges), or None."""
    key = normalize_address(address)
    if not key:
        return None
    row = conn.execute(
        "SELECT customer_id FROM customer_address WHERE address = ?", (key,)
    ).fetchone()
    return _surviving(conn, int(row[0])) if row else None


def _surviving(conn: sqlite3.Connection, customer_id: int) -> int:
    seen = {customer_id}
    while True:
        row = conn.execute(
            "SELECT merged_into FROM customer WHERE id = ?", (customer_id,)
        ).fetchone()
        if row is None or row[0] is None or row[0] in seen:
            return customer_id
        customer_id = int(row[0])
        seen.add(customer_id)


def is_masked(address: str) -> bool:
    """True for a mall's masked buyer address (Rakuten, Amazon)."""
    domain = normalize_address(address).rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in MASKED_DOMAINS)


def customer_of_orders(
    conn: sqlite3.Connection, order_ids: Sequence[str], *, masked_only: bool = False
) -> int | None:
    """The customer who owns one of `order_ids` (the first recorded), or None.

    Args:
        masked_only: only a customer known by masked addresses alone.
    """
    if not order_ids:
        return None
    marks = ", ".join("?" * len(order_ids))
    row = conn.execute(
        f"SELECT customer_id FROM order_ref WHERE order_id IN ({marks})"
        " AND customer_id IS NOT NULL ORDER BY rowid LIMIT 1",
        list(order_ids),
    ).fetchone()
    if row is None:
        return None
    owner = _surviving(conn, int(row[0]))
    if (
        masked_only
        and conn.execute(
            "SELECT 1 FROM customer_address WHERE customer_id = ? AND masked = 0 LIMIT 1",
            (owner,),
        ).fetchone()
    ):
        return None
    return owner


def customer_for_address(
    conn: sqlite3.Connection,
    address: str,
    name: str,
    *,
    now: float,
    order_ids: Sequence[str] = (),
) -> int | None:
    """The customer for `address`, created on first sight (None without address).

    A customer without a name takes the display name of their mail. A new
    address joins the owner of one of `order_ids` (see the module docstring).
    """
    key = normalize_address(address)
    if not key or "@" not in key:
        return None
    found = find_customer(conn, key)
    name = " ".join(name.split())
    masked = is_masked(key)
    if found is None:
        found = customer_of_orders(conn, order_ids, masked_only=not masked)
        if found is not None:
            conn.execute(
                "INSERT INTO customer_address (address, customer_id, masked)"
                " VALUES (?, ?, ?)",
                (key, found, int(masked)),
            )
    if found is not None:
        if name:
            conn.execute(
                "UPDATE customer SET name = ? WHERE id = ? AND name = ''", (name, found)
            )
        return found
    cursor = conn.execute(
        "INSERT INTO customer (name, created_at) VALUES (?, ?)", (name, now)
    )
    customer_id = int(cursor.lastrowid or 0)
    conn.execute(
        "INSERT INTO customer_address (address, customer_id, masked) VALUES (?, ?, ?)",
        (key, customer_id, int(masked)),
    )
    return customer_id
