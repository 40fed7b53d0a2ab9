"""Fixed AI extents filling up (semantics §4.2-§4.4, KB-P154904): the switch, the stall, the shutdown, the recovery.

A fixed extent that fills switches to the next one (3777/3778). When no EMPTY extent is left: a single-user
session refuses the transaction (3773/3774) and writes nothing; a broker without -aistall shuts down
(3773/5350/3774) and its crash recovery needs an EMPTY extent before anything opens the database again;
a broker with -aistall stalls (3775/3776/12288) until an extent is emptied. In every case each committed
transaction is in the AI, which the DR roll forward proves.
"""

from __future__ import annotations

import re

from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until

SMALL_FIXED = "b .\nd .\na . f 128\na . f 128\na . f 128\n"
"""Three 128 KB fixed AI extents: each holds some thirty one-record transactions."""


def _log(host, db: str) -> list[tuple[str, int]]:
    """(severity letter, message number) of every numbered .lg line, in order."""
    text = host.read_file(f"{db}.lg").decode()
    return [(sev, int(n)) for sev, n in re.findall(r"^\[[^]]+\] P-\d+ T-\d+ ([IWEF]) \S+ \d*: \((\d+)\) ", text, re.M)]


def _statuses(oe, host, db: str = "sports") -> list[tuple[str, int]]:
    return [(status, seq) for _n, status, _path, seq in oe.ai_extents(host, db)]


def _baseline(prod, dr, oe) -> None:
    """The DR copy: an offline OS copy taken right after AIMAGE BEGIN (file 1 BUSY and empty)."""
    oe.make_db(prod, st=SMALL_FIXED)
    oe.copy_db(prod, dr, "sports")
    oe.repair(dr, "sports", prod.root)


def _roll_forward(dr, oe, files: dict[int, bytes]) -> None:
    for seq, data in sorted(files.items()):
        dr.write_file(f"arch/sports.{seq}", data)
        oe.ok(dr, f"rfutil sports -C roll forward -a arch/sports.{seq}")


def _finish_the_chain_on_dr(prod, dr, oe, files: dict[int, bytes]) -> None:
    """Shut production down, archive files 3 and 4 beside the first two, and roll all four forward on DR:
    DR must then hold exactly production's data."""
    oe.ok(prod, "proshut sports -by")
    oe.ok(prod, "rfutil sports -C aimage extent empty")  # file 2, archived by the caller
    oe.ok(prod, "rfutil sports -C aimage new")
    files[3], files[4] = prod.read_file("sports.a3"), prod.read_file("sports.a1")
    _roll_forward(dr, oe, files)
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")


def test_a_fixed_extent_that_fills_switches_and_the_chain_rolls_forward(prod, dr, oe):
    _baseline(prod, dr, oe)
    trids = oe.commit(prod, "sports", 80)  # one 128 KB extent holds 60 of them
    switch = [(sev, n) for sev, n in _log(prod, "sports") if n in (3777, 3778)]
    assert switch == [("I", 3777), ("I", 3778)]
    log = prod.read_file("sports.lg").decode()
    assert f"(3777) Switched to ai extent {prod.root}/sports.a2." in log
    assert "(3778) This is after-image file number 2 since the last AIMAGE BEGIN." in log
    assert _statuses(oe, prod) == [("FULL", 1), ("BUSY", 2), ("EMPTY", 0)]
    in_first = oe.scan_trids(prod, "sports", "sports.a1")
    assert in_first == trids[:60]
    oe.ok(prod, "rfutil sports -C aimage new")
    # File 2's header carries the last-change stamp file 1 ends with, so the automatic switch rolls forward.
    _roll_forward(dr, oe, {1: prod.read_file("sports.a1"), 2: prod.read_file("sports.a2")})
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")
    assert oe.records(dr, "sports") == 80


def test_single_user_commit_with_every_extent_full_is_refused_and_writes_nothing(prod, dr, oe):
    _baseline(prod, dr, oe)
    full = prod.run("oeclient sports commit --count 500")
    assert full.exit_status == 1, full.describe()
    assert full.stdout.splitlines()[-2:] == [
        f"Can't switch to after-image extent {prod.root}/sports.a1 it is full. (3773)",
        "Backup after-image extent and mark it as empty. (3774)",
    ]
    committed = oe.trids(full)
    assert committed == list(range(1, 180))  # the three extents hold 179 of these transactions
    assert _statuses(oe, prod) == [("FULL", 1), ("FULL", 2), ("BUSY", 3)]
    assert _log(prod, "sports")[-2:] == [("E", 3773), ("E", 3774)]
    ai_and_bi = ("sports.a1", "sports.a2", "sports.a3", "sports.b1")
    before = {name: prod.read_file(name) for name in ai_and_bi}
    oe.refused(prod, "oeclient sports commit", [3773, 3774])
    assert {name: prod.read_file(name) for name in ai_and_bi} == before
    assert oe.records(prod, "sports") == len(committed)
    assert oe.describe(prod, "sports")["Database State"] == "closed"
    files = {seq: prod.read_file(f"sports.a{seq}") for seq in (1, 2)}
    oe.ok(prod, "rfutil sports -C aimage extent empty 1")
    oe.ok(prod, "rfutil sports -C aimage extent empty 2")
    assert oe.commit(prod, "sports", 1) == [len(committed) + 1]  # the refused transaction never committed
    assert _statuses(oe, prod) == [("BUSY", 4), ("EMPTY", 0), ("FULL", 3)]
    oe.ok(prod, "rfutil sports -C aimage new")
    files[3], files[4] = prod.read_file("sports.a3"), prod.read_file("sports.a1")
    _roll_forward(dr, oe, files)
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")  # every committed transaction is in the AI
    assert oe.records(dr, "sports") == len(committed) + 1


def test_broker_without_aistall_shuts_down_and_recovers_once_an_extent_is_emptied(prod, dr, oe):
    _baseline(prod, dr, oe)
    oe.ok(prod, "proserve sports")
    pid = oe.broker_pid(prod, "sports")
    load = prod.run("oeclient sports commit --count 500")
    assert load.exit_status == 1, load.describe()
    assert load.stdout.splitlines()[-1] == "There is no server for database sports. (1423)"
    acknowledged = oe.trids(load)
    poll_until(lambda: not pid_alive(pid), timeout=20, what="the broker to exit")
    assert "sports.lk" not in prod.list_files()
    assert [(s, n) for s, n in _log(prod, "sports") if n in (3773, 5350, 3774)] == [
        ("E", 3773),
        ("F", 5350),
        ("E", 3774),
    ]
    assert oe.describe(prod, "sports")["Database State"] == "crashed (needs crash recovery)"
    # Crash recovery must write to the AI and the BUSY extent is full: every opener is refused, nothing changes.
    before = oe.hashes(prod, "sports")
    for opener in (
        "proserve sports",
        "proutil sports -C truncate bi",
        "rfutil sports -C aimage new",
        "rfutil sports -C mark backedup",
        "oeclient sports digest",
    ):
        oe.refused(prod, opener, [3773, 3774])
    assert oe.hashes(prod, "sports") == before
    # KB-P154904: back up the FULL extents, empty one, restart.
    files = {seq: prod.read_file(f"sports.a{seq}") for seq in (1, 2)}
    emptied = oe.ok(prod, "rfutil sports -C aimage extent empty")
    assert emptied.stdout == f"Marked after-image extent {prod.root}/sports.a1 EMPTY. (3789)\n"
    assert oe.describe(prod, "sports")["Database State"] == "crashed (needs crash recovery)"
    assert oe.numbers(oe.ok(prod, "proserve sports")) == [333, 1526]
    assert oe.broker_pid(prod, "sports") != pid
    assert _statuses(oe, prod) == [("BUSY", 4), ("FULL", 2), ("FULL", 3)]  # recovery switched first
    after = oe.commit(prod, "sports", 3)
    assert after[0] == acknowledged[-1] + 1  # the transaction the shutdown interrupted never committed
    _finish_the_chain_on_dr(prod, dr, oe, files)
    assert oe.records(dr, "sports") == len(acknowledged) + 3


def test_aimage_end_on_the_stuck_database_needs_no_ai_write(prod, oe):
    oe.make_db(prod, st=SMALL_FIXED)
    oe.ok(prod, "proserve sports")
    pid = oe.broker_pid(prod, "sports")
    committed = oe.trids(prod.run("oeclient sports commit --count 500"))
    poll_until(lambda: not pid_alive(pid), timeout=20, what="the broker to exit")
    oe.refused(prod, "proserve sports", [3773, 3774])
    assert oe.ok(prod, "rfutil sports -C aimage end").stdout == "After-image disabled. (846)\n"
    assert oe.describe(prod, "sports")["Database State"] == "crashed (needs crash recovery)"
    assert oe.numbers(oe.ok(prod, "proutil sports -C truncate bi")) == [1526, 90031]
    assert oe.records(prod, "sports") == len(committed)


def test_broker_with_aistall_stalls_until_an_extent_is_emptied(prod, dr, oe):
    _baseline(prod, dr, oe)
    oe.ok(prod, "proserve sports -aistall")
    # The three extents hold 179 of these transactions and the emptied one 59 more (measured; deterministic).
    load = prod.start_background("oeclient sports commit --count 200")
    try:
        poll_until(lambda: 12288 in oe.log_numbers(prod, "sports"), timeout=30, what="the broker to stall")
        stalled_at = oe.records(prod, "sports")
        assert stalled_at == 179
        assert [(s, n) for s, n in _log(prod, "sports") if n in (3775, 3776, 12288)] == [
            ("W", 3775),
            ("W", 3776),
            ("W", 12288),
        ]
        files = {seq: prod.read_file(f"sports.a{seq}") for seq in (1, 2)}
        assert oe.ok(prod, "rfutil sports -C aimage extent empty").stdout == (
            f"Marked after-image extent {prod.root}/sports.a1 EMPTY. (3789)\n"
        )
        poll_until(lambda: oe.records(prod, "sports") > stalled_at, timeout=30, what="the load to resume")
        ended = oe.finish(load)
    finally:
        oe.stop_job(load)
    assert ended.exit_status == 0, ended.describe()
    assert oe.trids(ended) == list(range(1, 201))
    log = oe.log_numbers(prod, "sports")
    assert 5350 not in log
    assert log[log.index(12288) + 1 :][:3] == [3789, 3777, 3778]  # the online empty is logged, then the switch
    _finish_the_chain_on_dr(prod, dr, oe, files)
    assert oe.records(dr, "sports") == 200
