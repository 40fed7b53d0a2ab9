"""probkup through the console script: online while clients commit, offline rules, AI switching, volumes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_helpers import AI_ST, Site, finished, make_site, message_numbers

from harness.openedge.waiting import poll_until


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
    assert message_numbers(result.stdout) == [90044, 90107]
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


@pytest.mark.parametrize(("argv", "number"), [
    (["prod", "prod.d1"], 90103),
    (["prod", "no-such-dir/full.bck"], 43),
    (["prod", "full.bck", "-vs", "zero"], 90013),
    (["prod", "full.bck", "-estimate"], 90014),
    (["prod"], 90010),
])
def test_probkup_bad_input_changes_nothing(site: Site, argv: list[str], number: int) -> None:
    site.make_db("prod")
    site.commit("prod", 2)
    before = site.hashes("prod.*")
    result = site.run("probkup", *argv)
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [number]
    assert site.hashes("prod.*") == before
    assert not (site.root / "full.bck").exists()
