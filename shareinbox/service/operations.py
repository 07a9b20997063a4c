"""Every module that registers team operations, imported once.

Import this module to fill `shareinbox.service.core.OPERATIONS`; a new
operation module is added to this list.
"""

from __future__ import annotations

from shareinbox.service import (
    attachments,
    audit_ops,
    customers,
    locks,
    orders_ops,
    replies,
    report_ops,
    review,
    session,
    spam,
    team,
    templates_ops,
    threads,
    triage,
)

MODULES = (
    attachments,
    audit_ops,
    customers,
    locks,
    session,
    threads,
    triage,
    report_ops,
    templates_ops,
    orders_ops,
    spam,
    team,
    replies,
    review,
)
