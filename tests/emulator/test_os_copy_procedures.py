"""The OS-copy procedures end to end, under load (semantics §6.2 and §6.4; KB-P115048, KB-P102501).

(1) Offline OS copy on production: proshut -by; proutil -C truncate bi; rfutil -C aimage new; copy every
    file to the DR host; rfutil -C mark backedup; proserve; more load; AI switches.
(2) Restore elsewhere: no .lk; a .st with full paths; prostrct repair; rfutil -C sequence; roll forward every
    AI file from the one switched to before the copy, in order. DR equals production up to the last trid
    of the last file rolled forward.
(3) The same restore without ``sequence`` is refused on the first file (8019, expected 1), and the copy is
    spent (F1, F2).

Production's commands run through the installed console scripts in subprocesses (OEDR_LOCAL_SUBPROCESS=1),
exactly as a DBA's shell runs them, with real concurrent load; the DR host uses the faster in-process path.
"""

from __future__ import annotations

from oedr.harness.openedge.waiting import poll_until
from oedr.harness.site import Site


def _load_until(host, oe, more: int, before: int) -> None:
    poll_until(lambda: oe.records(host, "sports") >= before + more, timeout=60, what=f"{more} more commits")


def _ended(job, oe) -> list[int]:
    """A load cut off by proshut: it printed what it committed, then 1423."""
    result = oe.finish(job)
    assert result.exit_status == 1, result.describe()
    assert result.stdout.splitlines()[-1] == "There is no server for database sports. (1423)"
    return [int(line.split()[1].split("=")[1]) for line in result.stdout.splitlines() if line.startswith("committed")]


def test_offline_os_copy_and_restore_elsewhere_under_load(site: Site, oe, monkeypatch):
    monkeypatch.setenv("OEDR_LOCAL_SUBPROCESS", "1")
    prod = site.host("production")  # every production command through its console script
    monkeypatch.delenv("OEDR_LOCAL_SUBPROCESS")
    dr, dr_no_seq = site.host("dr"), site.host("dr-no-sequence")
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    jobs = [prod.start_background("oeclient sports load --seconds 120")]
    try:
        _load_until(prod, oe, 10, 0)
        assert oe.numbers(oe.ok(prod, "rfutil sports -C aimage new")) == [3777, 3778]  # file 2, under load
        _load_until(prod, oe, 10, oe.records(prod, "sports"))

        # (1) the offline OS copy (KB-P115048 steps 1-7)
        oe.ok(prod, "proshut sports -by")
        ledger = _ended(jobs[0], oe)
        oe.ok(prod, "proutil sports -C truncate bi")
        switched = oe.ok(prod, "rfutil sports -C aimage new")
        assert switched.stdout.splitlines()[1] == (
            "This is after-image file number 3 since the last AIMAGE BEGIN. (3778)"
        )
        copied = oe.copy_db(prod, dr, "sports")
        oe.copy_db(prod, dr_no_seq, "sports")
        assert "sports.lk" not in copied
        assert len(copied) == 8
        oe.ok(prod, "rfutil sports -C mark backedup")
        oe.ok(prod, "proserve sports")
        for _ in (1, 2):  # files 1 and 2 belong to the previous baseline: archived elsewhere, then emptied
            oe.ok(prod, "rfutil sports -C aimage extent empty")
        at_copy = oe.records(prod, "sports")
        jobs.append(prod.start_background("oeclient sports load --seconds 120"))
        _load_until(prod, oe, 10, at_copy)
        oe.ok(prod, "rfutil sports -C aimage new")  # file 3 FULL, file 4 BUSY: the AI switches under load
        _load_until(prod, oe, 10, oe.records(prod, "sports"))
        oe.ok(prod, "rfutil sports -C aimage new")  # file 4 FULL, file 5 BUSY
        _load_until(prod, oe, 5, oe.records(prod, "sports"))
        rows = {seq: (status, path) for _n, status, path, seq in oe.ai_extents(prod, "sports")}
        assert (rows[3][0], rows[4][0], rows[5][0]) == ("FULL", "FULL", "BUSY")
        for seq in (3, 4):  # the DBA archives the FULL files to the DR host
            for target in (dr, dr_no_seq):
                target.write_file(f"arch/sports.{seq}.a{seq}", prod.read_file(rows[seq][1].rsplit("/", 1)[1]))

        # (2) restore elsewhere
        dr.remove_file("sports.lk")
        oe.repair(dr, "sports", prod.root)
        assert oe.ok(dr, "rfutil sports -C sequence").stdout == "Ai sequence 1 changed to 3 (12428)\n"
        for seq in (3, 4):
            oe.ok(dr, f"rfutil sports -C roll forward -a arch/sports.{seq}.a{seq}")
        last = max(oe.scan_trids(dr, "sports", "arch/sports.4.a4"))
        assert oe.digest(dr, "sports") == oe.digest(prod, "sports", upto=last)  # production still under load
        assert oe.digest(dr, "sports", upto=ledger[-1]) == oe.digest(prod, "sports", upto=ledger[-1])
        assert oe.digest(dr, "sports")[0] == last  # every trid up to the last one applied, none after
        assert set(ledger) <= set(range(1, last + 1))

        oe.ok(prod, "proshut sports -by")
        ledger += _ended(jobs[1], oe)
        assert ledger == sorted(set(ledger))
        assert oe.digest(prod, "sports", upto=ledger[-1])[0] == ledger[-1]

        # (3) the same restore without rfutil -C sequence
        oe.repair(dr_no_seq, "sports", prod.root)
        extents = {k: v for k, v in oe.hashes(dr_no_seq, "sports").items() if k != "sports.db"}
        refused = oe.refused(
            dr_no_seq, "rfutil sports -C roll forward -a arch/sports.3.a3", [663, 648, 659, 846, 8019, 11014]
        )
        assert refused.stdout.splitlines()[4:] == [
            "Expected ai file number 1 but file specified is 3 in sequence. (8019)",
            "roll forward open arch/sports.3.a3 error: -1. (11014)",
        ]
        assert {k: v for k, v in oe.hashes(dr_no_seq, "sports").items() if k != "sports.db"} == extents
        oe.refused(dr_no_seq, "rfutil sports -C sequence", [90041])  # too late: the copy must be taken again
        oe.refused(dr_no_seq, "rfutil sports -C roll forward -a arch/sports.3.a3", [8019, 11014])
    finally:
        for job in jobs:
            oe.stop_job(job)


def test_the_restore_needs_no_sequence_when_no_switch_happened_before_the_copy(prod, dr, oe):
    """Sequence is needed only if AI switched between the last backup and the copy (DOC): 1 is expected anyway."""
    oe.make_db(prod)
    oe.copy_db(prod, dr, "sports")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    dr.write_file("arch/sports.1.a1", prod.read_file("sports.a1"))
    oe.repair(dr, "sports", prod.root)
    oe.ok(dr, "rfutil sports -C roll forward -a arch/sports.1.a1")
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")
