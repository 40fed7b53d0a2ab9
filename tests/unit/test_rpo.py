"""The RPO arithmetic on constructed ledgers: what DR recovered against what production acknowledged."""

from __future__ import annotations

from oedr.harness.dba.readings import Commit
from oedr.harness.rpo import counting, measure

SECOND = 1_000_000
# ten acknowledged transactions, trids 101..110, one a second from t=1000 s
LEDGER = [Commit(100 + n, (1000 + n) * SECOND) for n in range(1, 11)]
DISASTER = 1015 * SECOND


def test_nothing_lost() -> None:
    found = measure(LEDGER, counting([c.trid for c in LEDGER]), DISASTER)
    assert (found.acknowledged, found.recovered, found.lost, found.unacknowledged) == (10, 10, 0, 0)
    assert found.window_seconds == 0
    assert found.first_lost_trid is None
    assert found.last_recovered_trid == 110


def test_the_busy_extent_lost() -> None:
    """DR rolled forward the archived files only: the last four commits were in the extent production held."""
    found = measure(LEDGER, counting(list(range(101, 107))), DISASTER)
    assert (found.recovered, found.lost) == (6, 4)
    assert found.last_recovered_trid == 106
    assert found.first_lost_trid == 107
    assert found.window_seconds == 9.0  # 1006 s to the disaster at 1015 s
    assert "4 of 10 acknowledged transactions lost" in found.describe()


def test_everything_lost_counts_from_the_first_commit() -> None:
    found = measure(LEDGER, counting([]), DISASTER)
    assert (found.recovered, found.lost, found.last_recovered_trid) == (0, 10, None)
    assert found.window_seconds == 14.0


def test_an_unacknowledged_commit_recovered() -> None:
    """Transaction 111 committed but its client died before the line came back: recovered, never acknowledged."""
    found = measure(LEDGER, counting([*range(101, 111), 111]), DISASTER)
    assert (found.lost, found.unacknowledged) == (0, 1)
    assert "1 recovered records were never acknowledged" in found.describe()


def test_an_unacknowledged_commit_does_not_stand_in_for_a_lost_one() -> None:
    """Trid 105 was never acknowledged; DR holds up to it: 106 is lost although DR holds as many records."""
    ledger = [c for c in LEDGER if c.trid != 105]
    found = measure(ledger, counting(list(range(101, 106))), DISASTER)
    assert (found.recovered, found.lost, found.first_lost_trid, found.unacknowledged) == (4, 5, 106, 1)
