"""probkup through the console script: online while clients commit, offline rules, AI switching, volumes."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from backup_helpers import AI_ST, Site, finished, make_site, message_numbers

from oedr.harness.openedge.waiting import poll_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from make_site(tmp_path)


def test_probkup_online_full_while_clients_commit(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 5)
    site.ok("proserve", "prod")
    load = site.start("oeclient", "prod", "load", "--seconds", "4")
    poll_until(lambda: int(site.describe("prod")["Records"]) >= 30, timeout=30, what="the load to be committing")

    out = site.ok("probkup", "online", "prod", "full.bck")

    assert message_numbers(out) == [6686, 6688, 3740]
    assert finished(load, timeout=60) == 0
    final = int(re.findall(r"load committed=(\d+)", site.output_of(load))[0]) + 5
    site.ok("prorest", "dr/prod", "full.bck")
    restored_count = int(site.describe("dr/prod")["Records"])
    assert 30 <= restored_count < final, "the backup must fall in the middle of the load"
    # One record per transaction, trids 1..n: the restore is production as of transaction restored_count.
    assert site.digest("dr/prod") == site.digest("prod", upto=restored_count)


def test_probkup_online_needs_a_broker(site: Site) -> None:
    site.make_db("prod")
    result = site.run("probkup", "online", "prod", "full.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [1423, 90060]
    assert not (site.root / "full.bck").exists()


def test_probkup_offline_refused_while_served(site: Site) -> None:
    site.make_db("prod")
    site.ok("proserve", "prod")
    result = site.run("probkup", "prod", "full.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [276]
    assert not (site.root / "full.bck").exists()


def test_probkup_offline_marks_backed_up_and_warns_when_bi_not_truncated(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 3)
    out = site.ok("probkup", "prod", "full.bck")
    assert message_numbers(out) == [851, 6686, 6688, 3740]
    facts = site.describe("prod")
    assert (facts["Changed Since Backup"], facts["Backup Counter"]) == ("no", "1")
    site.ok("proutil", "prod", "-C", "truncate", "bi")
    assert 851 not in message_numbers(site.ok("probkup", "prod", "again.bck"))
    log = (site.root / "prod.lg").read_text()
    assert "(451) probkup session begin" in log
    assert "(3740) Backup complete." in log


def test_probkup_incremental_needs_a_full_backup_first(site: Site) -> None:
    site.make_db("prod")
    result = site.run("probkup", "prod", "incremental", "inc.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [90061]
    assert not (site.root / "inc.bck").exists()


def test_probkup_incremental_holds_only_changed_blocks(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 12, size=3000)  # one record per 4 KB block
    site.ok("probkup", "prod", "full.bck")
    site.commit("prod", 2, size=3000)
    out = site.ok("probkup", "prod", "incremental", "inc.bck")
    assert "2 active blocks out of 14 blocks" in out


def test_probkup_enableai_only_with_a_full_online_backup(site: Site) -> None:
    site.make_db("prod", AI_ST)
    offline = site.run("probkup", "prod", "full.bck", "enableai")
    assert offline.returncode != 0
    assert message_numbers(offline.stdout) == [90062]
    site.ok("proserve", "prod")
    out = site.ok("probkup", "online", "prod", "full.bck", "enableai")
    assert message_numbers(out) == [90040, 6686, 6688, 3740]
    facts = site.describe("prod")
    assert (facts["After Imaging"], facts["Current AI Sequence"]) == ("enabled", "1")
    again = site.run("probkup", "online", "prod", "again.bck", "enableai")
    assert again.returncode != 0
    assert message_numbers(again.stdout) == [830]


def test_probkup_online_switches_ai_and_aborts_when_next_extent_not_empty(site: Site) -> None:
    site.make_db("prod", "b .\nd .\na .\na .\n")
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    site.commit("prod", 2)
    site.ok("probkup", "online", "prod", "one.bck")
    facts = site.describe("prod")
    assert (facts["Current AI Sequence"], facts["Busy AI Extent"]) == ("2", "2")
    counter = facts["Backup Counter"]

    result = site.run("probkup", "online", "prod", "two.bck")  # extent 1 is FULL: nowhere to switch

    assert result.returncode != 0
    assert message_numbers(result.stdout) == [3773, 3774, 90107]  # the engine's switch-failure lines
    assert result.stdout.splitlines()[0] == (
        f"Can't switch to after-image extent {site.root / 'prod.a1'} it is full. (3773)"
    )
    assert not (site.root / "two.bck").exists()
    assert site.describe("prod")["Backup Counter"] == counter


def test_probkup_online_image_expects_the_switched_to_file(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.enable_ai("prod")
    site.ok("proserve", "prod")
    site.commit("prod", 2)
    site.ok("probkup", "online", "prod", "full.bck")
    site.ok("prorest", "dr/prod", "full.bck")
    facts = site.describe("dr/prod")
    assert (facts["Current AI Sequence"], facts["Expected AI Sequence"]) == ("2", "2")
    assert facts["Changed Since Backup"] == "no"


def test_probkup_offline_does_not_switch_ai_by_default(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.enable_ai("prod")
    site.commit("prod", 2)

    out = site.ok("probkup", "prod", "full.bck")

    assert 90102 in message_numbers(out)
    assert site.describe("prod")["Current AI Sequence"] == "1"
    site.ok("prorest", "dr/prod", "full.bck")
    assert site.describe("dr/prod")["Expected AI Sequence"] == "1"


def test_probkup_offline_switches_with_the_environment_variable(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.enable_ai("prod")
    site.commit("prod", 2)

    out = site.ok("probkup", "prod", "full.bck", env={"OEDR_OFFLINE_PROBKUP_SWITCH": "1"})

    assert 90102 not in message_numbers(out)
    assert site.describe("prod")["Current AI Sequence"] == "2"
    site.ok("prorest", "dr/prod", "full.bck")
    assert site.describe("dr/prod")["Expected AI Sequence"] == "2"


def test_probkup_multi_volume(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 20, size=3000)
    out = site.ok("probkup", "prod", "full.bck", "-vs", "6")
    volumes = [site.root / "full.bck", *(site.root / f"full.bck.{n}" for n in (2, 3, 4))]
    assert all(v.exists() for v in volumes)
    assert not (site.root / "full.bck.5").exists()
    assert message_numbers(out).count(90105) == 4
    assert volumes[1].read_bytes().startswith(b"volume 2 of backup taken ")
    site.ok("prorest", "dr/prod", "full.bck")
    assert site.digest("dr/prod") == site.digest("prod")


def test_probkup_compressed_backup_is_smaller_and_restores(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 10, size=1000)
    site.ok("probkup", "prod", "plain.bck")
    site.ok("probkup", "prod", "small.bck", "-com")
    assert (site.root / "small.bck").stat().st_size < (site.root / "plain.bck").stat().st_size
    site.ok("prorest", "dr/prod", "small.bck")
    assert site.digest("dr/prod") == site.digest("prod")


def test_probkup_replace_is_accepted_and_noted(site: Site) -> None:
    site.make_db("prod")
    site.ok("probkup", "prod", "full.bck")
    site.commit("prod", 1)
    out = site.ok("probkup", "prod", "full.bck", "-REPLACE")
    assert message_numbers(out)[0] == 90106
    site.ok("prorest", "dr/prod", "full.bck")
    assert site.digest("dr/prod") == site.digest("prod")


@pytest.mark.parametrize(
    ("argv", "number"),
    [
        (["prod", "prod.d1"], 90103),
        (["prod", "no-such-dir/full.bck"], 43),
        (["prod", "full.bck", "-vs", "zero"], 90013),
        (["prod", "full.bck", "-vs", "0"], 90015),
        (["online", "nosuch", "full.bck"], 43),
        (["prod", "full.bck", "-estimate"], 90014),
        (["prod"], 90010),
    ],
)
def test_probkup_bad_input_changes_nothing(site: Site, argv: list[str], number: int) -> None:
    site.make_db("prod")
    site.commit("prod", 2)
    before = site.hashes("prod.*")
    result = site.run("probkup", *argv)
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [number]
    assert site.hashes("prod.*") == before
    assert not (site.root / "full.bck").exists()


def _log_stamp_us(site: Site, db: str, pattern: str) -> int:
    """The .lg time (microseconds; the line has milliseconds) of the last line matching ``pattern``."""
    stamps = re.findall(r"^\[([^]]+)\] .*" + pattern, (site.root / f"{db}.lg").read_text(), flags=re.MULTILINE)
    return int(datetime.strptime(stamps[-1], "%Y/%m/%d@%H:%M:%S.%f%z").timestamp() * 1_000_000)


def test_probkup_online_lets_clients_commit_during_the_backup(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 2000, size=4000)  # 2000 blocks: the dump lasts long enough for commits to land in it
    site.ok("proserve", "prod")
    load = site.start("oeclient", "prod", "load", "--seconds", "120", "--bytes", "200")
    poll_until(lambda: int(site.describe("prod")["Records"]) >= 2030, timeout=60, what="the load to be committing")

    site.ok("probkup", "online", "prod", "full.bck")

    ended = _log_stamp_us(site, "prod", r"BACKUP [1-9]\d*: \(3740\)")  # online: its user number from the broker
    load.terminate()  # the load reports every commit it was acknowledged
    assert finished(load, timeout=60) == 0
    commits = [
        (int(t), int(us))
        for t, us in re.findall(r"committed trid=(\d+) .*\((\d+)\)$", site.output_of(load), flags=re.MULTILINE)
    ]
    site.ok("prorest", "dr/prod", "full.bck")
    point = int(site.describe("dr/prod")["Records"])  # one record per transaction, trids 1..n
    assert 2030 <= point < commits[-1][0]
    during = [trid for trid, stamp in commits if trid > point and stamp < ended]
    assert during, "no commit completed between the backup point and the end of the backup: writers were blocked"
    assert site.digest("dr/prod") == site.digest("prod", upto=point)


def _taken(site: Site, device: str) -> str:
    """The date a backup says it was taken (6760 of prorest -list)."""
    out = site.ok("prorest", "dr/any", device, "-list")
    return re.findall(r"^This backup was taken (.*)\. \(6760\)$", out, flags=re.MULTILINE)[0]


def test_probkup_records_the_backup_dates_in_the_master_block(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 2)
    before = site.describe("prod")
    assert (before["Last Full Backup Date"], before["Last Incremental Backup"]) == ("N/A", "N/A")

    site.ok("probkup", "prod", "full.bck")
    facts = site.describe("prod")
    assert (facts["Last Full Backup Date"], facts["Last Incremental Backup"]) == (_taken(site, "full.bck"), "N/A")

    site.commit("prod", 1)
    site.ok("probkup", "prod", "incremental", "inc.bck")
    facts = site.describe("prod")
    assert facts["Last Full Backup Date"] == _taken(site, "full.bck")
    assert facts["Last Incremental Backup"] == _taken(site, "inc.bck")

    site.ok("proserve", "prod")
    site.commit("prod", 1)
    site.ok("probkup", "online", "prod", "online.bck")
    facts = site.describe("prod")
    assert (facts["Last Full Backup Date"], facts["Backup Counter"]) == (_taken(site, "online.bck"), "3")
    assert facts["Changed Since Backup"] == "no"


def test_offline_probkup_while_the_busy_ai_file_has_notes_gives_831_to_833(site: Site) -> None:
    """§6.8: an offline backup does not switch; the BUSY file's notes from before it fail the date check."""
    site.make_db("prod", AI_ST)
    site.enable_ai("prod")
    site.commit("prod", 3)  # notes in AI file 1 (BUSY) before the backup
    site.ok("probkup", "prod", "mv.bck")
    site.commit("prod", 2)
    site.ok("rfutil", "prod", "-C", "aimage", "new")
    (site.root / "arch").mkdir()
    shutil.copy(site.root / "prod.a1", site.root / "arch" / "prod.1.prod.a1")
    site.ok("prorest", "dr/prod", "mv.bck")
    restored = site.digest("dr/prod")

    result = site.run("rfutil", "dr/prod", "-C", "roll", "forward", "-a", "arch/prod.1.prod.a1")

    assert result.returncode != 0
    assert message_numbers(result.stdout)[-4:] == [831, 832, 833, 11014]
    assert result.stdout.splitlines()[-1] == "roll forward open arch/prod.1.prod.a1 error: -1. (11014)"
    assert site.digest("dr/prod") == restored == site.digest("prod", upto=3)

    # the contrast: a BUSY file with no notes from before the backup (aimage new first) rolls forward
    site.ok("rfutil", "prod", "-C", "aimage", "new")  # file 3 BUSY and empty
    site.ok("probkup", "prod", "clean.bck")
    site.commit("prod", 2)
    site.ok("rfutil", "prod", "-C", "aimage", "extent", "empty", "1")  # archived above
    site.ok("rfutil", "prod", "-C", "aimage", "new")
    shutil.copy(site.root / "prod.a3", site.root / "arch" / "prod.3.prod.a3")
    (site.root / "dr2").mkdir()
    site.ok("prorest", "dr2/prod", "clean.bck")
    site.ok("rfutil", "dr2/prod", "-C", "roll", "forward", "-a", "arch/prod.3.prod.a3")
    assert site.digest("dr2/prod") == site.digest("prod")


def test_probkup_scan_is_refused_pointing_at_the_coverage_document(site: Site) -> None:
    site.make_db("prod")
    result = site.run("probkup", "prod", "x.bck", "-scan")
    assert (result.returncode, result.stdout.strip()) == (
        1,
        "probkup: -scan is not emulated by oedr. See docs/COVERAGE.md. (90014)",
    )
    coverage = (ROOT / "docs" / "COVERAGE.md").read_text(encoding="utf-8")
    assert "| [ ] | `-scan` | `probkup nosuch full.bck -scan` | refused as not emulated (90014) |" in coverage
    assert not (site.root / "x.bck").exists()
