"""The roll-up task: beat sends it every minute; it recomputes the hours the feed's consumer
marked due (and their days) and clears the marks (the scheme is in
domains.analytics.services.rollups).

Safe to run at any time and any number of times: a period is computed from the feed and PUT
whole, so two runs on one hour write the same item; a mark re-set during a run stays for the
next. A failed run needs no retry: its marks are still there on the next tick.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from nexus.celery_app import app
from nexus.container import container

MARKS_PER_RUN = 500


@app.task(name="nexus.analytics.rollup", ignore_result=False)
def roll_up_dirty(limit: int = MARKS_PER_RUN) -> dict[str, Any]:
    """The run's report (`hours`, `days`, `marks`, `cleared`)."""
    if "analytics" not in container().config().features:
        return {"disabled": True}
    return asdict(container().analytics.rollups().roll_up_dirty(limit=limit))
