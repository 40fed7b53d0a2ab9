"""proserve and proshut -by | -bn | -byF, and the .lk rules every opener applies (semantics §1.4, §3.1, §3.2)."""

from __future__ import annotations

import re
from pathlib import Path

from oedr.harness.openedge.dbfiles import lockfile
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until


def test_proserve_starts_a_broker_that_holds_the_database(prod, oe):
    oe.make_db(prod)
    result = oe.ok(prod, "proserve sports -S 20000 -n 10 -aistall")
    assert result.stdout == "Multi-user session begin. (333)\n"
    lock = lockfile.read(Path(prod.path("sports.lk")))
    assert lock is not None
    assert (lock.mode, lock.host) == (lockfile.MULTI_USER, prod.hostname)
    assert pid_alive(lock.pid)
    assert oe.refused(prod, "proutil sports -C busy", [276], status=6).stdout == (
        "** The database sports is in use in multi-user mode. (276)\n"
    )
    oe.refused(prod, "proutil sports -C holder", [276], status=16)
    assert oe.commit(prod, "sports", 2) == [1, 2]
    oe.refused(prod, "proserve sports", [276])
    log = prod.read_file("sports.lg").decode()
    assert re.findall(r" I BROKER 0: \((\d+)\) (.*)", log)[-4:] == [
        ("333", "Multi-user session begin."),
        ("4234", "Startup parameter -S = 20000."),
        ("4234", "Startup parameter -n = 10."),
        ("4234", "Startup parameter -aistall = ."),
    ]
    shut = oe.ok(prod, "proshut sports -by")
    assert oe.numbers(shut) == [542, 334]
    assert not Path(prod.path("sports.lk")).exists()
    assert not pid_alive(lock.pid)
    # KB-P42984: 542 from the proshut process (SHUT and its user number), then the broker's own lines
    shut, *broker = oe.log_lines(prod, "sports")[-3:]
    assert (shut[0], shut[1], shut[3]) == ("I", "SHUT", 542)
    assert shut[2] is not None
    assert shut[2] > 0
    assert broker == [("I", "BROKER", 0, 2248), ("I", "BROKER", None, 334)]  # KB-P42984: `BROKER : ... (334)`
    assert oe.ok(prod, "proutil sports -C busy").stdout == "The database sports is not in use. (90030)\n"
    assert oe.describe(prod, "sports")["Database State"] == "closed"
    assert oe.digest(prod, "sports")[0] == 2


def test_proshut_bn_refuses_while_users_are_connected_and_by_disconnects_them(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    load = prod.start_background("oeclient sports load --seconds 60")
    try:
        poll_until(lambda: oe.records(prod, "sports") >= 5, timeout=30, what="the load to commit")
        oe.refused(prod, "proshut sports -bn", [90007])
        oe.refused(prod, "proutil sports -C busy", [276], status=6)
        oe.ok(prod, "proshut sports -by")
        ended = oe.finish(load)
    finally:
        oe.stop_job(load)
    assert ended.exit_status == 1, ended.describe()
    assert ended.stdout.splitlines()[-1] == "There is no server for database sports. (1423)"
    printed = oe.trids(ended)
    assert printed == list(range(1, len(printed) + 1))
    assert len(printed) >= 5
    count, _digest = oe.digest(prod, "sports")
    assert count in (len(printed), len(printed) + 1)  # the last one may commit just as the reply is lost
    assert oe.digest(prod, "sports", upto=printed[-1]) == oe.digest(prod, "sports", upto=len(printed))


def test_proshut_bn_shuts_down_an_idle_broker(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    assert oe.numbers(oe.ok(prod, "proshut sports -bn")) == [542, 334]
    assert oe.describe(prod, "sports")["Database State"] == "closed"


def test_proshut_byF_leaves_a_crash_that_truncate_bi_recovers(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 4)
    expected = oe.digest(prod, "sports")
    pid = oe.broker_pid(prod, "sports")
    result = oe.ok(prod, "proshut sports -byF")
    assert result.stdout == (
        "Emergency shutdown (-F) requested; the database is left needing crash recovery. (90006)\n"
    )
    assert not pid_alive(pid)
    assert not Path(prod.path("sports.lk")).exists()
    assert oe.describe(prod, "sports")["Database State"] == "crashed (needs crash recovery)"
    oe.ok(prod, "proutil sports -C busy")
    assert oe.log_lines(prod, "sports")[-2:] == [("I", "SHUT", 1, 542), ("I", "SHUT", 1, 90006)]  # as -by's SHUT
    truncated = oe.ok(prod, "proutil sports -C truncate bi")
    assert oe.numbers(truncated) == [1526, 90031]
    # the session begins before crash recovery logs its phases; a single-user utility has no user number
    assert oe.log_lines(prod, "sports")[-7:] == [
        ("I", "PROUTIL", None, n) for n in (451, 5326, 7161, 90005, 1526, 90031, 334)
    ]
    assert oe.describe(prod, "sports")["Database State"] == "closed"
    assert Path(prod.path("sports.b1")).stat().st_size == 8192  # the BI's header block (8 KB BI blocks)
    assert oe.digest(prod, "sports") == expected


def test_proserve_after_proshut_F_logs_333_before_crash_recovery_as_it_prints_them(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "proshut sports -F")
    started = oe.ok(prod, "proserve sports -n 5")
    assert oe.numbers(started) == [333, 1526]
    assert oe.log_lines(prod, "sports")[-6:] == [("I", "BROKER", 0, n) for n in (333, 5326, 7161, 90005, 1526, 4234)]
    oe.ok(prod, "proshut sports -by")
    assert oe.digest(prod, "sports")[0] == 2


def test_a_stale_lk_of_a_dead_local_process_does_not_stop_proserve(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    killed = prod.run("oeclient sports commit", env={"OEDR_FAULT": "before-commit"})
    assert killed.exit_status == -9
    assert killed.stdout == ""
    lock = lockfile.read(Path(prod.path("sports.lk")))
    assert lock is not None
    assert lock.mode == lockfile.SINGLE_USER
    assert not pid_alive(lock.pid)
    # busy and holder read only the .lk, so a stale one reads as in use (KB-000035390)
    oe.refused(prod, "proutil sports -C busy", [263], status=6)
    oe.refused(prod, "proutil sports -C holder", [263], status=14)
    started = oe.ok(prod, "proserve sports")
    assert oe.numbers(started) == [333, 1526]
    assert 4194 in oe.log_numbers(prod, "sports")
    assert oe.commit(prod, "sports", 1) == [4]  # trid 3 was spent by the transaction that died
    oe.ok(prod, "proshut sports -by")
    assert oe.digest(prod, "sports")[0] == 3


def test_a_multi_user_lk_from_another_host_refuses_every_opener(prod, dr, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    names = oe.copy_db(prod, dr, "sports", names=oe.db_files(prod, "sports"))
    assert "sports.lk" in names
    before = oe.hashes(dr, "sports")
    for command in (
        "proserve sports",
        "proutil sports -C truncate bi",
        "rfutil sports -C aimage new",
        "rfutil sports -C mark backedup",
        "oeclient sports digest",
        "prostrct repair sports sports.st",
        "proutil sports -C enablesitereplication target",
    ):
        oe.refused(dr, command, [276])
    oe.refused(dr, "proutil sports -C busy", [276], status=6)
    oe.refused(dr, "proutil sports -C holder", [276], status=16)
    oe.refused(dr, "proshut sports -by", [1423])
    oe.refused(dr, "proshut sports -byF", [1423])
    assert oe.hashes(dr, "sports") == before
    dr.remove_file("sports.lk")  # the DBA's step of the restore procedure (KB-P115048)
    oe.repair(dr, "sports", prod.root)
    assert oe.digest(dr, "sports")[0] == 2
    oe.ok(prod, "proshut sports -by")


def test_a_single_user_lk_from_another_host_refuses_with_263(prod, dr, oe):
    oe.make_db(prod, ai=False)
    prod.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
    oe.copy_db(prod, dr, "sports", names=oe.db_files(prod, "sports"))
    oe.refused(dr, "proserve sports", [263])
    oe.refused(dr, "proutil sports -C holder", [263], status=14)
    oe.refused(dr, "proutil sports -C busy", [263], status=6)
    oe.refused(dr, "oeclient sports commit", [263])


def test_proserve_and_proshut_refusals(prod, oe):
    oe.refused(prod, "proserve ghost", [43])
    oe.refused(prod, "proshut ghost -by", [43])
    oe.refused(prod, "proserve", [90010])
    oe.make_db(prod)
    oe.refused(prod, "proserve sports extra", [90010])
    oe.refused(prod, "proshut sports -by", [1423])
    oe.refused(prod, "proshut sports -byF", [1423])
    oe.refused(prod, "proshut sports", [90010])
    oe.refused(prod, "proshut sports -by -bn", [90010])
    oe.refused(prod, "proshut sports -by -frobnicate", [90010])
    prod.write_file("void.st", b"b .\nd .\n")
    oe.ok(prod, "prostrct create void void.st")
    oe.refused(prod, "proserve void", [90003])
    assert not Path(prod.path("void.lk")).exists()
