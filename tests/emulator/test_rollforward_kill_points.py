"""A roll forward SIGKILLed at any of its writes leaves a database that roll forward (plain, or retry when it
was marked in progress) finishes: no instant is unrecoverable.

The kill is placed by the emulator-only fault hook OEDR_FAULT=write:N (harness/openedge/dbfiles/faults.py), which
SIGKILLs the process just before its Nth write to a database file; N runs from 1 until the roll forward is no
longer killed, so every instant between two of its writes is tried, not a window found by timing. The DR copy is
the issue's: prorest of a full backup, file 1 rolled forward, then file 2 (whose run, before the fix, could be
killed between opening the database and marking itself in progress, leaving a copy that neither a plain roll
forward nor ``retry`` accepted: 90001).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from oedr.harness.backends.local import LocalHost
from oedr.harness.site import Site

KILLED = (-9, 137)  # a SIGKILLed process, as subprocess reports it, or as a shell does


@dataclass
class Baseline:
    """The DR host ready to roll forward ``file``, its database files as they are then, the production digest."""

    dr: LocalHost
    files: dict[str, bytes]
    expected: tuple[int, str]


def _history(site: Site, oe: type) -> tuple[LocalHost, tuple[int, str]]:
    """Production: a full backup, then AI files 1 and 2 with transactions in each; a DR host holding them."""
    prod = site.host("production")
    oe.make_db(prod)
    oe.ok(prod, "probkup sports full.bak")
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "proshut sports -by")
    expected = oe.digest(prod, "sports")
    dr = site.host("dr")
    for source, target in (("full.bak", "full.bak"), ("sports.a1", "s.1.a1"), ("sports.a2", "s.2.a2")):
        dr.write_file(target, prod.read_file(source))
    oe.ok(dr, "prorest sports full.bak")
    return dr, expected


def _baseline(site: Site, oe: type, before_file: int) -> Baseline:
    dr, expected = _history(site, oe)
    if before_file == 2:
        oe.ok(dr, "rfutil sports -C roll forward -a s.1.a1")
    return Baseline(dr, {name: dr.read_file(name) for name in oe.db_files(dr, "sports")}, expected)


def _reset(base: Baseline, oe: type) -> None:
    for name in oe.db_files(base.dr, "sports"):
        if name not in base.files:
            base.dr.remove_file(name)
    for name, data in base.files.items():
        base.dr.write_file(name, data)


def _finish(base: Baseline, oe: type, file: int, later: list[str]) -> None:
    """What the DBA does after the kill: retry when the database says a roll forward is in progress, else a
    plain roll forward unless the file was applied before the kill; then the files after it. The result must
    be production's data."""
    facts = oe.describe(base.dr, "sports")
    ai_file = f"s.{file}.a{file}"
    if facts["Roll Forward In Progress"] != "no":
        oe.ok(base.dr, f"rfutil sports -C roll forward retry -a {ai_file}")
    elif int(facts["Expected AI Sequence"]) == file:
        oe.ok(base.dr, f"rfutil sports -C roll forward -a {ai_file}")
    else:  # killed after its last change (the .lg or the .lk): the next file is expected
        assert int(facts["Expected AI Sequence"]) == file + 1, facts
    for name in later:
        oe.ok(base.dr, f"rfutil sports -C roll forward -a {name}")
    assert oe.digest(base.dr, "sports") == base.expected


@pytest.mark.parametrize(("file", "later"), [(1, ["s.2.a2"]), (2, [])], ids=["first-file", "second-file"])
def test_a_roll_forward_killed_at_any_write_is_finished_by_roll_forward_or_retry(site, oe, file, later):
    base = _baseline(site, oe, before_file=file)
    ai_file = f"s.{file}.a{file}"
    kills = 0
    for n in range(1, 200):
        _reset(base, oe)
        run = base.dr.run(f"rfutil sports -C roll forward -a {ai_file}", env={"OEDR_FAULT": f"write:{n}"})
        assert "Traceback" not in run.output, run.describe()
        if run.exit_status == 0:  # it made all its writes: nothing left to kill
            break
        assert run.exit_status in KILLED, run.describe()
        kills += 1
        _finish(base, oe, file, later)
    else:
        pytest.fail("the roll forward was still being killed after 199 writes")
    assert kills >= 5, "the fault hook did not stop the roll forward at its first writes"
    for name in later:  # the run that was not killed applied its file as a plain run does
        oe.ok(base.dr, f"rfutil sports -C roll forward -a {name}")
    assert oe.digest(base.dr, "sports") == base.expected


def test_the_issue_case_a_kill_between_opening_and_marking_in_progress(site, oe):
    """The window of the report: the database opened (its control area says open) before the roll forward says
    it is in progress. Killed at each of the first writes, the copy is accepted by both forms."""
    base = _baseline(site, oe, before_file=2)
    for n in range(1, 6):
        _reset(base, oe)
        run = base.dr.run("rfutil sports -C roll forward -a s.2.a2", env={"OEDR_FAULT": f"write:{n}"})
        assert run.exit_status in KILLED, run.describe()
        if oe.describe(base.dr, "sports")["Roll Forward In Progress"] != "no":
            continue
        snapshot = {name: base.dr.read_file(name) for name in oe.db_files(base.dr, "sports")}
        for form in ("roll forward retry", "roll forward"):
            for name in oe.db_files(base.dr, "sports"):
                if name not in snapshot:
                    base.dr.remove_file(name)
            for name, data in snapshot.items():
                base.dr.write_file(name, data)
            oe.ok(base.dr, f"rfutil sports -C {form} -a s.2.a2")
            assert oe.digest(base.dr, "sports") == base.expected, (n, form)


def test_crash_recovery_killed_at_any_write_is_recovered_by_the_next_open(prod, oe):
    """Crash recovery (here run by truncate bi) moves the BI's base LSN before it empties the BI: killed at any
    of its writes, the next open recovers the committed transactions instead of calling the files torn."""
    oe.make_db(prod)
    oe.commit(prod, "sports", 3)
    killed = prod.run("oeclient sports commit --count 2", env={"OEDR_FAULT": "after-bi-commit"})
    assert killed.exit_status in KILLED, killed.describe()
    crashed = {name: prod.read_file(name) for name in oe.db_files(prod, "sports")}
    for n in range(1, 200):
        for name in oe.db_files(prod, "sports"):
            if name not in crashed:
                prod.remove_file(name)
        for name, data in crashed.items():
            prod.write_file(name, data)
        run = prod.run("proutil sports -C truncate bi", env={"OEDR_FAULT": f"write:{n}"})
        assert "Traceback" not in run.output, run.describe()
        assert oe.digest(prod, "sports")[0] == 4, (n, run.describe())
        if run.exit_status == 0:
            break
        assert run.exit_status in KILLED, run.describe()
    else:
        pytest.fail("truncate bi was still being killed after 199 writes")
    assert n > 5
