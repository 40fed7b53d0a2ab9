"""Measured RPO: what the DR database recovered, compared with the ledger of acknowledged commits.

Production acknowledged every transaction in the ledger (its client saw the ``committed`` line come back);
after production is lost and the DR runbook has run, the DR database is asked only what any ABL client can
ask: how many records it holds up to a transaction id (``oeclient DB digest --upto TRID``; every transaction
of the harness's load creates exactly one record). Recovery from a backup and AI files yields production as
of some point, so what DR holds of the acknowledged commits is a prefix of them: where that prefix ends is found
by bisection, a handful of reads whatever the ledger's length.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from oedr.harness.dba.readings import Commit

CountUpto = Callable[[int | None], int]  # records the DR database holds with trid <= the given one (None: all)


@dataclass(frozen=True)
class RpoMeasure:
    """What the plan lost: ``lost`` acknowledged transactions, ``window_seconds`` of them (from the last
    recovered commit to the disaster; 0 when nothing was lost), and ``unacknowledged`` records recovered
    that no acknowledged commit accounts for (a transaction committed while its client died: allowed, but
    worth showing)."""

    acknowledged: int
    recovered: int
    lost: int
    window_seconds: float
    unacknowledged: int
    last_recovered_trid: int | None
    first_lost_trid: int | None
    disaster_us: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> str:
        if not self.lost:
            text = f"no acknowledged transaction lost ({self.acknowledged} acknowledged, all recovered)"
        else:
            text = (
                f"{self.lost} of {self.acknowledged} acknowledged transactions lost, from transaction "
                f"{self.first_lost_trid}: {self.window_seconds:.1f} s before the disaster"
            )
        if self.unacknowledged:
            text += f"; {self.unacknowledged} recovered records were never acknowledged"
        return text


def measure(acknowledged: Sequence[Commit], count_upto: CountUpto, disaster_us: int) -> RpoMeasure:
    """Compare the DR database (through ``count_upto``) with the acknowledged commits, in commit order."""
    ordered = sorted(acknowledged, key=lambda c: c.trid)
    # one record per transaction: DR holds a transaction iff it holds one more record up to its trid than
    # up to the one before; what it holds is a prefix (recovery stops at a point), so bisect for its end
    low, high = 0, len(ordered)  # invariant: the first `low` are recovered, those after `high` are not
    while low < high:
        middle = (low + high + 1) // 2
        trid = ordered[middle - 1].trid
        if count_upto(trid) > count_upto(trid - 1):
            low = middle
        else:
            high = middle - 1
    recovered, total = low, count_upto(None)
    last = ordered[recovered - 1] if recovered else None
    lost = len(ordered) - recovered
    if not lost:
        window = 0.0
    else:
        since = last.time_us if last else ordered[0].time_us
        window = max(0, disaster_us - since) / 1_000_000
    return RpoMeasure(
        acknowledged=len(ordered),
        recovered=recovered,
        lost=lost,
        window_seconds=round(window, 3),
        unacknowledged=max(0, total - recovered),
        last_recovered_trid=last.trid if last else None,
        first_lost_trid=ordered[recovered].trid if lost else None,
        disaster_us=disaster_us,
    )


def counting(trids: Sequence[int]) -> CountUpto:
    """A ``count_upto`` over a known set of recovered transaction ids (for constructed cases)."""
    return lambda upto: sum(1 for t in trids if upto is None or t <= upto)
