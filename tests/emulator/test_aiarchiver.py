"""AI File Management: rfutil -C aiarchiver / aiarchive, proserve -aiarcdir, probkup enableaiarchiver, proshut -C
aimgt, and the after-image manager the broker runs (semantics §3.4, §4.6)."""

from __future__ import annotations

from pathlib import Path

from oedr.harness.openedge.dbfiles import aifile
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until

FAST = {"OEDR_AIMGT_TIMESCALE": "0.02"}  # the manager's 5-second wake lasts 0.1 s


def _states(host) -> list[str]:
    paths = sorted(Path(host.path(".")).glob("sports.a[0-9]*"), key=lambda p: int(p.suffix[2:]))
    return [aifile.read_header(p).state for p in paths]


def _archive_name(host, seq: int, extent: int) -> str:
    return f"{host.root.strip('/').replace('/', '~')}~sports.{seq:02d}.sports.a{extent}"


def test_enable_persists_the_settings_and_the_broker_archives_full_extents(prod, oe):
    oe.make_db(prod)
    Path(prod.path("arch")).mkdir()
    enabled = oe.ok(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch")
    assert enabled.stdout.endswith(
        f"After-image File Management enabled for database sports; archive directories {prod.root}/arch, "
        "interval on demand. (90170)\n"
    )
    assert "AI Management" in oe.ok(prod, "proutil sports -C describe").stdout
    oe.ok(prod, "proserve sports", env=FAST)
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    target = Path(prod.path("arch")) / _archive_name(prod, 1, 1)
    poll_until(lambda: _states(prod)[0] == "EMPTY", timeout=30, what="extent 1 archived")
    assert target.read_bytes()[:8] == aifile.MAGIC
    oe.refused(prod, "rfutil sports -C aimage extent empty", [13216])
    oe.ok(prod, "proshut sports -by")
    numbers = oe.log_numbers(prod, "sports")
    assert numbers.index(13194) < numbers.index(13231) < numbers.index(13199) < numbers.index(3789)
    log = Path(prod.path("sports.archival.log")).read_text().splitlines()
    assert log[0].startswith("# After-image Extent Manager started on : ")
    assert log[1].startswith("# 0255,")
    fields = log[2].split(",")
    assert fields[0] == "0001"
    assert fields[1] == prod.path("sports")
    assert fields[6] == "1"
    assert fields[7] == prod.path("sports.a1")
    assert fields[8] == str(target)


def _archived(host, seq: int, extent: int, directory: str = "arch") -> Path:
    target = Path(host.path(directory)) / _archive_name(host, seq, extent)
    poll_until(target.exists, timeout=30, what=f"AI file {seq} archived")
    poll_until(lambda: _states(host)[extent - 1] == "EMPTY", timeout=30, what=f"extent {extent} emptied")
    return target


def _managed(host, oe, options: str = "") -> None:
    oe.make_db(host)
    Path(host.path("arch")).mkdir(exist_ok=True)
    oe.ok(host, f"rfutil sports -C aiarchiver enable -aiarcdir arch {options}".strip())


def test_enable_refusals_change_nothing(prod, oe):
    oe.make_db(prod, ai=False)
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.refused(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch", [90041])
    oe.ok(prod, "rfutil sports -C aimage begin")
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch", [90174])
    oe.refused(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch -aiarcinterval 60", [90175])
    oe.refused(prod, "rfutil sports -C aiarchiver enable", [90010])
    oe.refused(prod, "rfutil sports -C aiarchiver setinterval 120", [90172])
    oe.refused(prod, "rfutil sports -C aiarchiver end", [1423])
    oe.refused(prod, "rfutil sports -C aiarchive nextextent", [1423])
    assert oe.hashes(prod, "sports") == before
    assert not Path(prod.path("arch")).exists()
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch -aiarcdircreate", [276])
    oe.refused(prod, "rfutil sports -C aiarchive nextextent", [90172])
    oe.ok(prod, "proshut sports -by")
    oe.ok(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch,arch2 -aiarcinterval 120 -aiarcdircreate")
    assert Path(prod.path("arch")).is_dir()
    assert Path(prod.path("arch2")).is_dir()
    oe.refused(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch", [90173])
    assert oe.ok(prod, "rfutil sports -C aiarchiver setinterval 0").stdout.endswith(
        "After-image File Management interval set to on demand. (90179)\n"
    )
    oe.refused(prod, "rfutil sports -C aiarchiver setdir nosuch", [90174])
    oe.ok(prod, "rfutil sports -C aiarchiver disable")
    assert "AI Management" not in oe.ok(prod, "proutil sports -C describe").stdout
    oe.refused(prod, "rfutil sports -C aiarchiver disable", [90172])


def test_probkup_online_enableaiarchiver_starts_the_manager(prod, oe):
    oe.make_db(prod)
    oe.refused(prod, "probkup sports full.bck enableaiarchiver -aiarcdir arch -aiarcdircreate", [90062])
    oe.ok(prod, "proserve sports", env=FAST)
    oe.refused(prod, "probkup online sports full.bck enableaiarchiver", [90176])
    oe.refused(prod, "probkup online sports full.bck enableaiarchiver -aiarcdir arch", [90174])
    assert not Path(prod.path("full.bck")).exists()
    oe.commit(prod, "sports", 2)
    done = oe.ok(prod, "probkup online sports full.bck enableaiarchiver -aiarcdir arch -aiarcdircreate")
    assert done.stdout.endswith(f"archive directories {prod.root}/arch, interval on demand. (90170)\n")
    _archived(prod, 1, 1)  # the backup's switch made extent 1 FULL; the manager archives it
    oe.refused(prod, "probkup online sports again.bck enableaiarchiver -aiarcdir arch", [90173])
    oe.ok(prod, "proshut sports -by")
    assert 13194 in oe.log_numbers(prod, "sports")


def test_timed_mode_switches_when_the_interval_expires(prod, oe):
    _managed(prod, oe, "-aiarcinterval 120")
    oe.ok(prod, "proserve sports", env=FAST)  # 120 s of the manager's time: 2.4 s
    oe.commit(prod, "sports", 3)
    _archived(prod, 1, 1)
    assert oe.counters(prod, "sports")[1] == 2
    assert _states(prod) == ["EMPTY", "BUSY", "EMPTY", "EMPTY"]
    oe.ok(prod, "proshut sports -by")


def test_a_full_directory_moves_the_manager_on_and_none_left_gives_13198(prod, oe):
    _managed(prod, oe)
    Path(prod.path("arch2")).mkdir()
    oe.ok(prod, "rfutil sports -C aiarchiver setdir arch,arch2")
    oe.ok(prod, "proserve sports", env={**FAST, "OEDR_FAULT": f"aiarcdir-full:{prod.root}/arch"})
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    _archived(prod, 1, 1, "arch2")
    assert not list(Path(prod.path("arch")).iterdir())
    oe.ok(prod, "proshut sports -by")
    assert oe.log_numbers(prod, "sports").count(13231) == 2

    oe.ok(prod, "rfutil sports -C aiarchiver setdir arch")
    oe.ok(prod, "proserve sports", env={**FAST, "OEDR_FAULT": f"aiarcdir-full:{prod.root}/arch"})
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    poll_until(lambda: 13198 in oe.log_numbers(prod, "sports"), timeout=30, what="13198")
    assert _states(prod)[1] == "FULL"  # never emptied without a copy
    Path(prod.path("arch3")).mkdir()
    oe.ok(prod, "rfutil sports -C aiarchiver setdir arch3")  # online: the manager takes the new list
    _archived(prod, 2, 2, "arch3")
    oe.ok(prod, "proshut sports -by")


def test_a_broker_killed_while_archiving_leaves_the_extent_full_and_the_next_one_archives_it(prod, oe):
    _managed(prod, oe)
    oe.ok(prod, "proserve sports", env={**FAST, "OEDR_FAULT": "aiarchive-kill"})
    pid = oe.broker_pid(prod, "sports")
    oe.commit(prod, "sports", 40)  # more than one copy chunk of notes
    # The switch is saved before it is answered; the manager may kill the broker before the answer (1423).
    prod.run("rfutil sports -C aimage new")
    poll_until(lambda: not pid_alive(pid), timeout=30, what="the broker killed mid-copy")
    extent = Path(prod.path("sports.a1")).read_bytes()
    target = Path(prod.path("arch")) / _archive_name(prod, 1, 1)
    assert _states(prod)[0] == "FULL"
    assert target.exists()
    assert target.stat().st_size < len(extent)
    Path(prod.path("sports.lk")).unlink(missing_ok=True)
    oe.ok(prod, "proserve sports", env=FAST)
    _archived(prod, 1, 1)
    assert target.read_bytes() == extent
    oe.ok(prod, "proshut sports -by")


def test_manual_archives_nextextent_and_extent(prod, oe):
    _managed(prod, oe)
    oe.ok(prod, "proserve sports", env={"OEDR_AIMGT_TIMESCALE": "1000"})  # the manager never wakes here
    oe.commit(prod, "sports", 1)
    result = oe.ok(prod, "rfutil sports -C aiarchive nextextent")
    target = Path(prod.path("arch")) / _archive_name(prod, 1, 1)
    assert result.stdout.splitlines() == [
        f"After-image extent {prod.root}/sports.a1 has been copied to {target}. (13199)",
        f"Marked after-image extent {prod.root}/sports.a1 EMPTY. (3789)",
    ]
    assert _states(prod) == ["EMPTY", "BUSY", "EMPTY", "EMPTY"]
    oe.ok(prod, "proshut sports -by")
    assert Path(prod.path("sports.archival.log")).read_text().splitlines()[-1].startswith("0003,")

    oe.ok(prod, "rfutil sports -C aiarchiver disable")
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.refused(prod, "rfutil sports -C aiarchive extent 3 copy.a3", [90182])
    Path(prod.path("taken")).write_text("x")
    oe.refused(prod, "rfutil sports -C aiarchive extent 2 taken", [90181])
    full = Path(prod.path("sports.a2")).read_bytes()
    oe.ok(prod, "rfutil sports -C aiarchive extent 2 copy.a2")
    assert Path(prod.path("copy.a2")).read_bytes() == full
    assert _states(prod)[1] == "EMPTY"
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.ok(prod, "rfutil sports -C aiarchive extent 3 NULL")  # discarded: record type 0004
    assert not Path(prod.path("NULL")).exists()
    assert _states(prod)[2] == "EMPTY"
    records = Path(prod.path("sports.archival.log")).read_text().splitlines()
    assert [r.split(",")[0] for r in records[-2:]] == ["0003", "0004"]


def test_aiarchiver_end_and_proshut_aimgt_restart(prod, oe):
    _managed(prod, oe)
    oe.ok(prod, "proserve sports", env=FAST)
    assert oe.ok(prod, "rfutil sports -C aiarchiver end").stdout == "The after-image manager has ended. (90177)\n"
    oe.refused(prod, "rfutil sports -C aiarchiver end", [90178])
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    assert _states(prod)[0] == "FULL"
    oe.refused(prod, "proshut sports -C aimgt", [90010])
    oe.ok(prod, "proshut sports -C aimgt -aiarcdir arch2 -aiarcdircreate")
    _archived(prod, 1, 1, "arch2")
    oe.ok(prod, "proshut sports -by")


def test_first_roll_forward_of_a_managed_copy_prints_the_five_lines(prod, dr, oe):
    _managed(prod, oe)
    oe.copy_db(prod, dr, "sports")  # offline OS copy: AI and AI File Management on
    oe.ok(prod, "proserve sports", env=FAST)
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    files = [_archived(prod, 1, 1), _archived(prod, 2, 2)]
    oe.ok(prod, "proshut sports -by")
    oe.repair(dr, "sports", prod.root)
    for f in files:
        dr.write_file(f.name, f.read_bytes())
    first = oe.ok(dr, f"rfutil sports -C roll forward -a {files[0].name}")
    assert first.stdout.splitlines()[-5:] == [
        "WARNING: ROLL FORWARD disables after-imaging. (663)",
        "After this is complete, you should re-enable it. (648)",
        "If you desire continued after-image protection (659)",
        "After-image Extent Management has been disabled for the database. (13292)",
        "After-image disabled. (846)",
    ]
    second = oe.ok(dr, f"rfutil sports -C roll forward -a {files[1].name}")
    assert "13292" not in second.stdout
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")


def test_an_archive_directory_removed_while_served_is_no_destination_until_setdir(prod, oe):
    _managed(prod, oe)
    oe.ok(prod, "proserve sports", env=FAST)
    Path(prod.path("arch")).rmdir()
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    poll_until(lambda: 13198 in oe.log_numbers(prod, "sports"), timeout=30, what="13198 in the .lg")
    assert _states(prod)[0] == "FULL"
    Path(prod.path("arch")).mkdir()
    oe.ok(prod, "rfutil sports -C aiarchiver setdir arch")
    _archived(prod, 1, 1)
    oe.ok(prod, "proshut sports -by")


def test_management_implies_aistall_and_the_restarted_manager_ends_the_stall(prod, oe):
    oe.make_db(prod, st="b .\nd .\na . f 128\na . f 128\na . f 128\n")  # some thirty transactions per extent
    Path(prod.path("arch")).mkdir()
    oe.ok(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch")
    oe.ok(prod, "proserve sports", env=FAST)  # no -aistall: management implies it
    oe.ok(prod, "rfutil sports -C aiarchiver end")
    load = prod.start_background("oeclient sports commit --count 200")
    try:
        poll_until(lambda: 12288 in oe.log_numbers(prod, "sports"), timeout=30, what="the broker to stall")
        assert 5350 not in oe.log_numbers(prod, "sports")
        oe.ok(prod, "proshut sports -C aimgt -aiarcdir arch")
        ended = oe.finish(load)
    finally:
        oe.stop_job(load)
    assert ended.exit_status == 0, ended.describe()
    assert oe.trids(ended) == list(range(1, 201))
    _archived(prod, 3, 3)  # files 1-3 filled; file 4 is BUSY in extent 1
    oe.ok(prod, "proshut sports -by")
    assert oe.log_numbers(prod, "sports").count(13194) == 2
    assert sorted(p.name[-len("01.sports.a1") :] for p in Path(prod.path("arch")).iterdir()) == [
        "01.sports.a1",
        "02.sports.a2",
        "03.sports.a3",
    ]


def test_on_a_replication_source_an_archived_extent_is_marked_archived_not_empty(prod, oe):
    _managed(prod, oe)
    oe.ok(prod, "proutil sports -C enablesitereplication source")
    oe.ok(prod, "proserve sports", env=FAST)
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    poll_until(lambda: _states(prod)[0] == "ARCHIVED", timeout=30, what="extent 1 ARCHIVED")
    assert (Path(prod.path("arch")) / _archive_name(prod, 1, 1)).exists()
    poll_until(lambda: 13154 in oe.log_numbers(prod, "sports"), timeout=30, what="13154 in the .lg")  # after the mark
    assert oe.ai_extents(prod, "sports")[0][1] == "ARCHIVED"
    oe.ok(prod, "proshut sports -by")


def test_proserve_aiarcdir_replaces_the_stored_directories_and_a_bad_one_refuses_the_start(prod, oe):
    _managed(prod, oe)
    before = oe.hashes(prod, "sports", extra=("sports.lg",))
    oe.refused(prod, "proserve sports -aiarcdir elsewhere", [90174])
    oe.refused(prod, "proserve sports -aiarcdir elsewhere -aiarcinterval 60 -aiarcdircreate", [90175])
    assert not Path(prod.path("elsewhere")).exists()
    assert oe.hashes(prod, "sports", extra=("sports.lg",)) == before
    oe.ok(prod, "proserve sports -aiarcdircreate -aiarcdir elsewhere", env=FAST)
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    _archived(prod, 1, 1, "elsewhere")
    oe.ok(prod, "proshut sports -by")
    oe.ok(prod, "proserve sports", env=FAST)  # the new directory was kept in the control area
    oe.commit(prod, "sports", 1)
    oe.ok(prod, "rfutil sports -C aimage new")
    _archived(prod, 2, 2, "elsewhere")
    oe.ok(prod, "proshut sports -by")
