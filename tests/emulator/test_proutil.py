"""proutil -C busy | holder | truncate bi | describe | enablesitereplication | disablesitereplication (§3.3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def test_proutil_busy_and_holder_exit_codes(prod, oe):
    oe.make_db(prod)
    assert oe.ok(prod, "proutil sports -C busy").stdout == "The database sports is not in use. (90030)\n"
    assert oe.ok(prod, "proutil sports.db -C holder").stdout == "The database sports is not in use. (90030)\n"
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "proutil sports -C busy", [276], status=6)
    oe.refused(prod, "proutil sports -C holder", [276], status=16)
    oe.refused(prod, f"proutil {prod.root}/sports -C HOLDER", [276], status=16)
    oe.ok(prod, "proshut sports -by")
    prod.run("oeclient sports commit", env={"OEDR_FAULT": "before-commit"})
    oe.refused(prod, "proutil sports -C busy", [263], status=6)
    oe.refused(prod, "proutil sports -C holder", [263], status=14)


def test_proutil_describe_shows_the_master_block(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 3)
    result = oe.ok(prod, "proutil sports -C describe")
    facts = oe.describe(prod, "sports")
    assert result.stdout.splitlines()[0] == "OpenEdge Database Description"
    assert facts["Database Name"] == f"{prod.root}/sports"
    assert {
        k: facts[k]
        for k in (
            "Version",
            "Block Size",
            "Database State",
            "Changed Since Backup",
            "Backup Counter",
            "After Imaging",
            "Current AI Sequence",
            "Expected AI Sequence",
            "Busy AI Extent",
            "Roll Forward In Progress",
            "Records",
        )
    } == {
        "Version": "184.0",
        "Block Size": "4096",
        "Database State": "closed",
        "Changed Since Backup": "yes",
        "Backup Counter": "1",
        "After Imaging": "enabled",
        "Current AI Sequence": "1",
        "Expected AI Sequence": "1",
        "Busy AI Extent": "1",
        "Roll Forward In Progress": "no",
        "Records": "3",
    }
    assert result.stdout.splitlines()[-4:] == [
        "Database Features",
        "   After Imaging",
        "   Large Files",
        "   64 Bit DBKEYS",
    ]
    oe.ok(prod, "proserve sports")
    assert oe.describe(prod, "sports")["Database State"] == "open"
    oe.ok(prod, "proshut sports -by")


def test_proutil_truncate_bi_empties_the_bi(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 5)
    oe.refused(prod, "proutil sports -C truncate bi", [276])
    oe.ok(prod, "proshut sports -by")
    bi = Path(prod.path("sports.b1"))
    assert bi.stat().st_size > 8192
    result = oe.ok(prod, "proutil sports -C truncate bi -G 0 -bi 512")
    assert result.stdout.splitlines() == [
        "Before-image file of database sports truncated. (90031)",
        "Before-image cluster size set to 512 kb. (1620)",
    ]
    assert bi.stat().st_size == 8192  # its header block: the BI block size defaults to 8 KB (semantics §3.3)
    assert oe.log_numbers(prod, "sports")[-4:] == [451, 90031, 1620, 334]
    assert oe.digest(prod, "sports")[0] == 5


def test_proutil_truncate_bi_biblocksize_changes_the_bi_block_size(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 3)
    before = oe.hashes(prod, "sports")
    for bad in ("3", "32", "2048"):
        oe.refused(prod, f"proutil sports -C truncate bi -biblocksize {bad}", [90036])
    oe.refused(prod, "proutil sports -C truncate bi -biblocksize 2", [90036])  # below the 4 KB db blocks
    assert oe.hashes(prod, "sports") == before
    oe.ok(prod, "proutil sports -C truncate bi -biblocksize 16")
    bi = Path(prod.path("sports.b1"))
    assert bi.stat().st_size == 16384
    assert (
        "AreaName: Primary Recovery Area, Type 3, Block Size 16384, Extents 1"
        in oe.ok(prod, "prostrct list sports -RO").stdout.splitlines()
    )
    oe.commit(prod, "sports", 2)  # the BI is written and read in its new blocks
    oe.ok(prod, "proutil sports -C truncate bi -biblocksize 0")  # 0: back to the default, 8 KB
    assert bi.stat().st_size == 8192
    assert oe.digest(prod, "sports")[0] == 5


def test_proutil_truncate_bi_after_a_crash_recovers_committed_work_only(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 2)
    committed = oe.digest(prod, "sports")
    prod.run("oeclient sports commit", env={"OEDR_FAULT": "before-commit"})
    result = oe.ok(prod, "proutil sports -C truncate bi")
    assert oe.numbers(result) == [1526, 90031]
    assert oe.digest(prod, "sports") == committed


@pytest.mark.parametrize(
    ("words", "number"), [("-G", 90010), ("-G x", 90013), ("-bi -5", 90013), ("now", 90010), ("-frobnicate", 90012)]
)
def test_proutil_truncate_bi_usage_errors_change_nothing(prod, oe, words, number):
    oe.make_db(prod)
    before = oe.hashes(prod, "sports")
    oe.refused(prod, f"proutil sports -C truncate bi {words}", [number])
    assert oe.hashes(prod, "sports") == before


def test_proutil_site_replication(prod, oe):
    oe.make_db(prod, ai=False)
    oe.refused(prod, "proutil sports -C enablesitereplication source", [90033])
    oe.refused(prod, "proutil sports -C disablesitereplication", [90032])
    oe.refused(prod, "proutil sports -C enablesitereplication", [90010])
    oe.refused(prod, "proutil sports -C enablesitereplication both", [90010])
    oe.refused(prod, "proutil sports -C disablesitereplication sideways", [90010])
    oe.refused(prod, "proutil sports -C enablesitereplication target now", [90010])
    assert oe.ok(prod, "proutil sports -C enablesitereplication target").stdout == (
        "Database sports is now enabled for OpenEdge Replication as a target. (90034)\n"
    )
    assert "   OpenEdge Replication (target)" in oe.ok(prod, "proutil sports -C describe").stdout
    assert oe.ok(prod, "proutil sports -C disablesitereplication target").stdout == (
        "OpenEdge Replication has been disabled for database sports. (90035)\n"
    )
    oe.ok(prod, "rfutil sports -C mark backedup")
    oe.ok(prod, "rfutil sports -C aimage begin")
    oe.ok(prod, "proutil sports -C enablesitereplication source")
    oe.ok(prod, "rfutil sports -C aimage new")
    assert [row[1] for row in oe.ai_extents(prod, "sports")][:2] == ["LOCKED", "BUSY"]  # a source locks
    oe.ok(prod, "rfutil sports -C aimage end")  # disabling AI disables replication too
    assert "OpenEdge Replication" not in oe.ok(prod, "proutil sports -C describe").stdout
    assert oe.log_numbers(prod, "sports").count(90034) == 2


def test_proutil_usage_and_missing_database(prod, oe):
    oe.refused(prod, "proutil ghost -C busy", [43])
    oe.refused(prod, "proutil ghost -C describe", [43])
    oe.refused(prod, "proutil ghost -C truncate bi", [43])
    oe.refused(prod, "proutil", [90010])
    oe.refused(prod, "proutil -C busy", [90010])
    oe.refused(prod, "proutil sports busy", [90010])
    result = oe.refused(prod, "proutil sports -C frobnicate", [90011])
    assert re.match(r"proutil: unknown qualifier frobnicate\. Known qualifiers: busy, ", result.stdout)
    oe.refused(prod, "proutil sports -C truncate", [90011])
    for qualifier in ("busy", "holder", "describe"):  # extra words are refused, not ignored
        oe.refused(prod, f"proutil ghost -C {qualifier} now", [90010])
    assert prod.list_files() == []


def test_the_console_scripts_print_what_the_in_process_runner_prints(site, oe, monkeypatch):
    """The installed console scripts (a DBA's shell) and host.run's in-process path are the same program."""
    fast = site.host("in-process")
    monkeypatch.setenv("OEDR_LOCAL_SUBPROCESS", "1")
    shell = site.host("console-scripts")
    for host in (fast, shell):
        oe.make_db(host)
        oe.commit(host, "sports", 2)
    for command, status in (
        ("proutil sports -C busy", 0),
        ("proutil ghost -C holder", 1),
        ("rfutil sports -C aimage scan -a sports.a1", 0),
        ("prostrct frobnicate", 1),
        ("oeclient sports digest", 0),
        ("rfutil sports -C sequence now", 1),
    ):
        ran = [host.run(command) for host in (fast, shell)]
        assert [r.exit_status for r in ran] == [status, status], [r.describe() for r in ran]
        texts = [r.stdout.replace(host.root, "<root>") for r, host in zip(ran, (fast, shell), strict=True)]
        if command.startswith("rfutil sports -C aimage scan"):  # the dates differ between the two databases
            texts = [oe.numbers(r) for r in ran]
        assert texts[0] == texts[1], command
    assert "mode" not in shell.run("proutil sports -C busy").extra
