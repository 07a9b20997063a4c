"""Customers: one row per person, found by any of their mail addresses.

Addresses are stored lower-case. A customer merged into another (by staff)
keeps its row with ``merged_into`` set; lookups follow that link, so mail
from any of the person's addresses lands on the surviving customer.
"""

from __future__ import annotations

import sqlite3


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


def customer_for_address(
    conn: sqlite3.Connection, address: str, name: str, *, now: float
) -> int | None:
    """The customer for `address`, created on first sight (None without address).

    A customer without a name takes the display name of their mail.
    """
    key = normalize_address(address)
    if not key or "@" not in key:
        return None
    found = find_customer(conn, key)
    name = " ".join(name.split())
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
        "INSERT INTO customer_address (address, customer_id) VALUES (?, ?)",
        (key, customer_id),
    )
    return customer_id
