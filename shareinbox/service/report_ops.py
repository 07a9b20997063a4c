"""The team report (`shareinbox report`, the TUI's report screen).

Reading team metrics is a supervisor's task; it is recorded in the audit
trail as an export, since the figures leave the system.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from shareinbox.errors import ProtocolError
from shareinbox.reports.business import BusinessClock
from shareinbox.reports.metrics import ReportInput, compute_report
from shareinbox.service.core import Context, operation
from shareinbox.service.views import iso
from shareinbox.store import report_queries as rq
from shareinbox.store.queries import day_bounds

DEFAULT_DAYS = 7
MAX_DAYS = 366


def default_range(now: float, ctx: Context) -> tuple[float, float]:
    """The last `DEFAULT_DAYS` days of the shop's calendar, today included."""
    _, end = day_bounds(now, ctx.config.shop.tz)
    start, _ = day_bounds(end - DEFAULT_DAYS * 86400 + 1, ctx.config.shop.tz)
    return start, end


@operation("report", role="supervisor")
def report(
    ctx: Context, since: float | None = None, until: float | None = None
) -> dict[str, Any]:
    """Team metrics for [since, until) (default: the last seven days).

    Returns:
        The figures of `shareinbox.reports.metrics.compute_report` plus the
        range (ISO and epoch seconds), the time zone and when it was made.
    """
    now = ctx.now()
    start, end = default_range(now, ctx)
    since = start if since is None else since
    until = end if until is None else until
    if until <= since:
        raise ProtocolError("the report's end must be after its start")
    if timedelta(seconds=until - since).days > MAX_DAYS:
        raise ProtocolError(f"a report covers at most {MAX_DAYS} days")
    config = ctx.config
    business = BusinessClock(config, since, max(now, until))
    with ctx.store.read() as conn:
        data = ReportInput(
            since=since,
            until=until,
            now=now,
            tz=config.shop.tz,
            sla_target=float(config.sla.first_response),
            business=business.between,
            first=rq.first_responses(conn, since, until),
            messages=rq.message_times(conn, since, until),
            resolved=rq.resolutions(conn, since, until),
            backlog=rq.open_threads(conn),
            staff=[(s.login, s.name) for s in config.staff],
        )
    figures = compute_report(data)
    with ctx.store.write() as conn:
        ctx.audit(conn, "export", target="report",
                  detail={"since": since, "until": until})  # fmt: skip
    tz = config.shop.tz
    return {
        "since": iso(since, tz),
        "until": iso(until, tz),
        "since_ts": since,
        "until_ts": until,
        "generated_at": iso(now, tz),
        "timezone": config.shop.timezone,
        **figures,
    }
