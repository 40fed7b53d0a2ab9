"""prorest through the console script: full + incrementals in order, verification, refusals, roll forward."""

from __future__ import annotations

import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from backup_helpers import AI_ST, Site, flip_byte, make_site, message_numbers

RFUTIL_MISSING = importlib.util.find_spec("oedr.harness.openedge.utilities.rfutil") is None


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    yield from make_site(tmp_path)


def db_hashes(site: Site, pattern: str) -> dict[str, str]:
    """The database files matching ``pattern``, the .lg aside (a refusal may only add lines to it)."""
    return {name: digest for name, digest in site.hashes(pattern).items() if not name.endswith(".lg")}


def lg_numbers(path: Path) -> list[tuple[str, str, int | None]]:
    """(severity, process, message number; None for an unnumbered line) of every line of a .lg."""
    found = re.findall(r"^\[[^]]+\] P-\d+ T-\d+ ([IWEF]) (\S+) \d*: \((\d+|-----)\) ", path.read_text(), re.M)
    return [(sev, process, None if n == "-----" else int(n)) for sev, process, n in found]


@pytest.fixture
def chain(site: Site) -> Site:
    """prod with a full backup and two incrementals, each after more commits; dr/prod restored from the full."""
    site.make_db("prod")
    site.commit("prod", 10, size=500)
    site.ok("probkup", "prod", "full.bck")
    site.commit("prod", 5, size=500)
    site.ok("probkup", "prod", "incremental", "inc1.bck")
    site.commit("prod", 5, size=500)
    site.ok("probkup", "prod", "incremental", "inc2.bck")
    site.ok("prorest", "dr/prod", "full.bck")
    return site


def test_prorest_full_then_incrementals_in_order(chain: Site) -> None:
    out1 = chain.ok("prorest", "dr/prod", "inc1.bck")
    out2 = chain.ok("prorest", "dr/prod", "inc2.bck")

    assert message_numbers(out1) == [90108, 6761, 6760, 6994, 6763]
    assert message_numbers(out2) == [90108, 6761, 6762, 6760, 6994, 6763]
    full_taken = chain.describe("prod")["Last Full Backup Date"]
    # 6761 carries only the sheet's text; the emulator's own first line has its own number (90108)
    assert out1.splitlines()[:2] == [
        "This is an incremental backup of prod.db. (90108)",
        f"It is based on the full backup of {full_taken}. (6761)",
    ]
    assert chain.digest("dr/prod") == chain.digest("prod")
    restored, production = chain.describe("dr/prod"), chain.describe("prod")
    assert restored["Changed Since Backup"] == "no"
    assert restored["Backup Counter"] == production["Backup Counter"]
    log = (chain.root / "dr" / "prod.lg").read_text()
    for number in (451, 1368, 1369, 1370, 1371, 334):
        assert f"({number})" in log


def test_prorest_incremental_out_of_order_is_refused(chain: Site) -> None:
    before = db_hashes(chain, "dr/prod.*")
    logged = len(lg_numbers(chain.root / "dr" / "prod.lg"))

    result = chain.run("prorest", "dr/prod", "inc2.bck")

    assert result.returncode != 0
    assert result.stdout.splitlines() == [
        "Incremental restore out of sequence on dr/prod",
        "WARNING:  Applying this incremental backup could damage your database. (6774)",
    ]
    assert db_hashes(chain, "dr/prod.*") == before
    # a refused restore is a prorest session in the .lg too, its refusal logged as errors
    assert lg_numbers(chain.root / "dr" / "prod.lg")[logged:] == [
        ("I", "PROREST", 451),
        ("E", "PROREST", None),
        ("E", "PROREST", 6774),
        ("I", "PROREST", 334),
    ]


def test_prorest_same_incremental_twice_is_refused(chain: Site) -> None:
    chain.ok("prorest", "dr/prod", "inc1.bck")
    before = db_hashes(chain, "dr/prod.*")
    result = chain.run("prorest", "dr/prod", "inc1.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [6774]
    assert db_hashes(chain, "dr/prod.*") == before


def test_prorest_incremental_onto_a_changed_database_is_refused(chain: Site) -> None:
    chain.commit("dr/prod", 1)
    result = chain.run("prorest", "dr/prod", "inc1.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [6774]


def test_prorest_overlap_lets_an_incremental_be_skipped(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 4)
    site.ok("probkup", "prod", "full.bck")
    site.commit("prod", 4)
    site.ok("probkup", "prod", "incremental", "inc1.bck")
    site.commit("prod", 4)
    site.ok("probkup", "prod", "incremental", "inc2.bck", "-io", "1")
    site.ok("prorest", "dr/prod", "full.bck")
    site.ok("prorest", "dr/prod", "inc2.bck")
    assert site.digest("dr/prod") == site.digest("prod")


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "missing volume"])
def test_prorest_damaged_backup_is_caught_and_target_untouched(chain: Site, damage: str) -> None:
    chain.ok("probkup", "prod", "multi.bck", "-vs", "2")
    volume = chain.root / "multi.bck.2"
    if damage == "flipped byte":
        flip_byte(volume, volume.stat().st_size // 2)
    elif damage == "truncated":
        volume.write_bytes(volume.read_bytes()[:-10])
    else:
        volume.unlink()
    expected = 90065 if damage == "missing volume" else 90064
    before = chain.hashes("dr/prod.*")

    for option in ("-vp", "-vf", None):
        argv = ["prorest", "dr/prod", "multi.bck", *([option] if option else [])]
        result = chain.run(*argv, stdin="y\n")
        assert result.returncode != 0, option
        assert message_numbers(result.stdout)[-1] == expected, (option, result.stdout)

    assert chain.hashes("dr/prod.*") == before


def test_prorest_verify_partial_and_full_on_a_good_backup(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 6)  # 100-byte records: all in block 1
    site.ok("probkup", "prod", "full.bck")
    assert message_numbers(site.ok("prorest", "prod", "full.bck", "-vp")) == [6759, 6760, 6994, 6763, 6758]
    assert message_numbers(site.ok("prorest", "prod", "full.bck", "-vf"))[-1] == 6758
    site.ok("prorest", "dr/prod", "full.bck")
    assert message_numbers(site.ok("prorest", "dr/prod", "full.bck", "-vf"))[-1] == 6758
    site.commit("dr/prod", 1)  # changes block 1, which the backup holds
    result = site.run("prorest", "dr/prod", "full.bck", "-vf")
    assert result.returncode != 0
    assert message_numbers(result.stdout)[-1] == 90067


def test_prorest_list_describes_the_backup_and_its_structure(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.ok("probkup", "prod", "full.bck")
    out = site.ok("prorest", "whatever", "full.bck", "-list").splitlines()
    assert out[0] == "This is a full backup of prod.db. (6759)"  # the file name, as KB-P52315 prints it
    assert f'd "Schema Area":6,32;1 {site.root / "prod.d1"}' in out
    assert f"a {site.root / 'prod.a3'}" in out
    assert not (site.root / "whatever.db").exists()


def test_prorest_over_an_existing_database_asks_first(chain: Site) -> None:
    chain.commit("dr/prod", 3)  # the target now differs from the backup
    before = chain.hashes("dr/prod.*")

    refused = chain.run("prorest", "dr/prod", "full.bck", stdin="n\n")

    assert refused.returncode != 0
    assert refused.stdout.startswith("The database dr/prod already exists. Do you want to overwrite it? [y/n]: ")
    assert message_numbers(refused.stdout) == [90100]
    assert chain.hashes("dr/prod.*") == before
    chain.ok("prorest", "dr/prod", "full.bck", stdin="y\n")
    assert chain.describe("dr/prod")["Records"] == "10"


def test_prorest_over_a_database_in_use_is_refused(chain: Site) -> None:
    chain.ok("proserve", "dr/prod")
    result = chain.run("prorest", "dr/prod", "full.bck", stdin="y\n")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [276]


def test_prorest_into_a_void_database(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 5)
    site.ok("probkup", "prod", "full.bck")
    (site.root / "dr" / "void.st").write_text("b .\nd .\n")
    site.run("prostrct", "create", "dr/void", "dr/void.st")
    out = site.ok("prorest", "dr/void", "full.bck")  # no question for a void database
    assert "[y/n]" not in out
    assert site.digest("dr/void") == site.digest("prod")


def test_prorest_target_too_small_is_refused(site: Site) -> None:
    site.make_db("prod")
    site.commit("prod", 20, size=3000)
    site.ok("probkup", "prod", "full.bck")
    (site.root / "dr" / "small.st").write_text("b .\nd . f 64\n")
    site.ok("prostrct", "create", "dr/small", "dr/small.st")
    before = db_hashes(site, "dr/small.*")
    result = site.run("prorest", "dr/small", "full.bck")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [90101, 6763]
    assert db_hashes(site, "dr/small.*") == before
    assert lg_numbers(site.root / "dr" / "small.lg") == [
        ("I", "PROREST", 451),
        ("E", "PROREST", 90101),
        ("E", "PROREST", 6763),
        ("I", "PROREST", 334),
    ]


def test_prorest_not_a_backup(site: Site) -> None:
    (site.root / "junk.bck").write_text("not a backup\n")
    result = site.run("prorest", "dr/prod", "junk.bck", "-vp")
    assert result.returncode != 0
    assert message_numbers(result.stdout) == [90066]


def test_prorest_crash_mid_restore_is_detectable_and_restartable(chain: Site) -> None:
    crashed = chain.run("prorest", "dr/prod", "full.bck", stdin="y\n", env={"OEDR_FAULT": "restore-blocks-written"})
    assert crashed.returncode < 0  # killed
    assert chain.describe("dr/prod")["Database State"] == "restoring"
    opened = chain.run("oeclient", "dr/prod", "digest")
    assert opened.returncode != 0
    assert message_numbers(opened.stdout) == [90004]
    chain.ok("prorest", "dr/prod", "full.bck", stdin="y\n")
    assert chain.describe("dr/prod")["Database State"] == "closed"


# --- roll forward (needs rfutil) ------------------------------------------------------------------------
@pytest.mark.skipif(RFUTIL_MISSING, reason="rfutil (harness/openedge/utilities/rfutil) is not there yet")
def test_online_backup_then_roll_forward_reaches_production(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    site.commit("prod", 5)
    site.ok("probkup", "online", "prod", "full.bck")  # switches: file 2 gets what follows the backup
    site.commit("prod", 7)
    site.ok("rfutil", "prod", "-C", "aimage", "new")  # file 2 FULL
    (site.root / "archive").mkdir()
    shutil.copy(site.root / "prod.a2", site.root / "archive" / "prod.a2")

    site.ok("prorest", "dr/prod", "full.bck")
    site.ok("rfutil", "dr/prod", "-C", "roll", "forward", "-a", "archive/prod.a2")

    assert site.digest("dr/prod") == site.digest("prod")


@pytest.mark.skipif(RFUTIL_MISSING, reason="rfutil (harness/openedge/utilities/rfutil) is not there yet")
def test_os_copy_under_proquiet_then_sequence_and_roll_forward(site: Site) -> None:
    site.make_db("prod", AI_ST)
    site.ok("proserve", "prod")
    site.enable_ai("prod")
    site.commit("prod", 4)
    site.ok("proquiet", "prod", "enable")  # switch 1 -> 2: the copy's first file is 2
    for path in site.root.glob("prod.*"):
        if path.suffix not in (".lg", ".st"):
            shutil.copy(path, site.root / "dr" / path.name)
    site.ok("proquiet", "prod", "disable")
    site.commit("prod", 6)
    site.ok("rfutil", "prod", "-C", "aimage", "new")
    (site.root / "archive").mkdir()
    shutil.copy(site.root / "prod.a2", site.root / "archive" / "prod.a2")

    (site.root / "dr" / "prod.lk").unlink()  # the copy's .lk is the live broker's: delete it (F6)
    dr = site.root / "dr"
    (dr / "prod.st").write_text(f"b {dr}/prod.b1\nd {dr}/prod.d1\na {dr}/prod.a1\na {dr}/prod.a2\na {dr}/prod.a3\n")
    site.ok("prostrct", "repair", "dr/prod", "dr/prod.st")
    site.ok("rfutil", "dr/prod", "-C", "sequence")
    site.ok("rfutil", "dr/prod", "-C", "roll", "forward", "-a", "archive/prod.a2")

    assert site.digest("dr/prod") == site.digest("prod")
