"""The team's settings clients need to offer choices and show deadlines.

The TUI asks once after connecting: the waiting reasons to offer when a
thread is put on hold, the SLA (business hours, holidays, reminder lead
time), whether orders have a link or a look-up command, and the rule names
(to explain "rule X: ..." events).
"""

from __future__ import annotations

from typing import Any

from shareinbox.config import DAYS
from shareinbox.service.core import Context, operation


@operation("team_settings")
def team_settings(ctx: Context) -> dict[str, Any]:
    """Waiting reasons, SLA, order look-up and rule names from the config."""
    sla = ctx.config.sla
    hours = sla.business_hours
    return {
        "timezone": ctx.config.shop.timezone,
        "waiting_reasons": list(ctx.config.waiting_reasons),
        "sla": {
            "first_response": sla.first_response,
            "reminder_before": sla.reminder_before,
            "days": [DAYS[d] for d in hours.days],
            "start": hours.start.strftime("%H:%M"),
            "end": hours.end.strftime("%H:%M"),
            "holidays": [d.isoformat() for d in sla.holidays],
        },
        "orders": {
            "url": bool(ctx.config.orders.url),
            "lookup": bool(ctx.config.orders.command),
        },
        "rules": [rule.name for rule in ctx.config.rules],
    }
