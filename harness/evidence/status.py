"""``oedr status RESULTS_DIR...``: per procedure, when it was last PROVEN, and whether that is older than the
plan's ``max_age_days`` (stale), so CI or cron can alert on a plan nobody has proven lately.

A procedure's date is the end of the run (``environment.finished``, else its start) in which it was PROVEN;
a run that did not finish proves nothing (its verdict is recomputed, never taken from the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from oedr.harness.evidence import results as res
from oedr.harness.evidence import verdict as vd

JSON = res.JSON


@dataclass(frozen=True)
class Freshness:
    procedure: str
    path: str
    last_proven: datetime | None
    last_verdict: str
    stale: bool

    def line(self, now: datetime) -> str:
        if self.last_proven is None:
            return f"  NEVER    {self.procedure}  (last verdict {self.last_verdict}; never PROVEN in these runs)"
        age = (now - self.last_proven).days
        state = "STALE" if self.stale else "FRESH"
        return (
            f"  {state:<8} {self.procedure}  (last PROVEN {self.last_proven.date().isoformat()}, {age} days ago;"
            f" last verdict {self.last_verdict})"
        )


def _when(results: JSON) -> datetime | None:
    env = results.get("environment") or {}
    stamp = env.get("finished") or env.get("started")
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def freshness(runs: list[JSON], max_age_days: int, now: datetime) -> list[Freshness]:
    """Each procedure seen in the runs: when it was last PROVEN, its latest verdict, and whether it is stale."""
    seen: dict[str, dict[str, object]] = {}
    for results in sorted(runs, key=lambda r: _when(r) or datetime.min.replace(tzinfo=UTC)):
        when = _when(results)
        finished = vd.incompleteness(results) is None
        for line in results["summary"]["procedures"]:
            entry = seen.setdefault(line["name"], {"path": line["path"], "proven": None})
            entry["verdict"] = line["verdict"]
            if line["verdict"] == vd.PROVEN and finished and when is not None:
                entry["proven"] = when
    rows = []
    for name, entry in sorted(seen.items()):
        proven = entry["proven"]
        assert proven is None or isinstance(proven, datetime)
        stale = proven is None or (now - proven).total_seconds() > max_age_days * 86400
        rows.append(Freshness(name, str(entry["path"]), proven, str(entry["verdict"]), stale))
    return rows
