"""oeclient commit | digest | load: the emulator's stand-in for an ABL client session."""

from __future__ import annotations

import re

import pytest

from oedr.harness.openedge.waiting import poll_until


def test_oeclient_commit_prints_each_trid_and_its_commit_time(prod, oe):
    oe.make_db(prod)
    result = oe.ok(prod, "oeclient sports commit --count 3 --table Order --bytes 250")
    lines = result.stdout.splitlines()
    assert [re.sub(r"time=.*", "", line) for line in lines] == [f"committed trid={n} " for n in (1, 2, 3)]
    times = oe.commit_times(result)
    assert times == sorted(times)
    assert len(set(times)) == 3
    assert oe.numbers(result) == []  # the (microseconds) stamp is not a message number
    assert oe.records(prod, "sports") == 3


def test_oeclient_digest_is_the_same_for_the_same_history(prod, dr, oe):
    oe.make_db(prod)
    oe.make_db(dr, ai=False)
    oe.commit(prod, "sports", 4)
    oe.ok(dr, "proserve sports")
    oe.commit(dr, "sports", 4)  # through the broker this time
    assert oe.digest(dr, "sports") == oe.digest(prod, "sports")
    oe.ok(dr, "proshut sports -by")
    count, digest = oe.digest(prod, "sports")
    assert count == 4
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert oe.digest(prod, "sports", upto=2) == oe.digest(dr, "sports", upto=2)
    assert oe.digest(prod, "sports", upto=2)[0] == 2
    assert oe.digest(prod, "sports", upto=0) == (0, oe.digest(dr, "sports", upto=0)[1])
    oe.commit(dr, "sports", 1)
    assert oe.digest(dr, "sports") != oe.digest(prod, "sports")
    assert oe.digest(dr, "sports", upto=4) == oe.digest(prod, "sports")


def test_oeclient_digest_depends_on_table_and_size(prod, dr, oe):
    oe.make_db(prod, ai=False)
    oe.make_db(dr, ai=False)
    oe.ok(prod, "oeclient sports commit --table Order")
    oe.ok(dr, "oeclient sports commit --table Customer")
    assert oe.digest(prod, "sports")[1] != oe.digest(dr, "sports")[1]


def test_oeclient_load_commits_until_the_time_is_up(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    result = oe.ok(prod, "oeclient sports load --seconds 1 --rate 40")
    trids = oe.trids(result)
    assert result.stdout.splitlines()[-1] == f"load committed={len(trids)} seconds=1"
    assert trids == list(range(1, len(trids) + 1))
    assert 20 <= len(trids) <= 42
    oe.ok(prod, "proshut sports -by")
    assert oe.digest(prod, "sports")[0] == len(trids)


def test_oeclient_load_in_the_background_against_a_broker(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    job = prod.start_background("oeclient sports load --seconds 1")
    try:
        poll_until(lambda: oe.records(prod, "sports") > 0, timeout=20, what="a first commit")
        ended = oe.finish(job)
    finally:
        oe.stop_job(job)
    assert ended.exit_status == 0, ended.describe()
    assert oe.digest(prod, "sports")[0] == len(oe.trids(ended))
    oe.ok(prod, "proshut sports -by")


@pytest.mark.parametrize(
    ("args", "number"),
    [
        ("commit --count 0", 90013),
        ("commit --count x", 90013),
        ("commit --table 1abc", 90081),
        ("commit --table", 90010),
        ("commit --bytes 5000", 90080),
        ("commit --frobnicate 1", 90012),
        ("rollback", 90010),
        ("commit extra", 90010),
        ("digest --upto -1", 90013),
        ("", 90010),
        ("load", 90010),
        ("load --rate 5", 90010),
    ],
)
def test_oeclient_refusals_change_nothing(prod, oe, args, number):
    oe.make_db(prod)
    before = oe.hashes(prod, "sports")
    oe.refused(prod, f"oeclient sports {args}", [number])
    if number != 90080:  # the too-large record is refused inside a transaction that was opened
        assert oe.hashes(prod, "sports") == before


def test_oeclient_refuses_a_missing_or_busy_database(prod, dr, oe):
    oe.refused(prod, "oeclient ghost digest", [43])
    oe.refused(prod, "oeclient", [90010])
    oe.make_db(prod, ai=False)
    prod.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
    oe.copy_db(prod, dr, "sports", names=oe.db_files(prod, "sports"))
    oe.refused(dr, "oeclient sports digest", [263])  # another host's lock is always valid
    assert oe.digest(prod, "sports")[0] == 1  # a dead local holder's lock is stale


@pytest.mark.parametrize("argv", ["--help", "-h", "sports --help", "sports commit -h"])
def test_oeclient_help_says_what_it_is_and_exits_0(prod, oe, argv):
    result = oe.ok(prod, f"oeclient {argv}")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "oeclient: the oedr emulator's stand-in for an ABL client session. It is not a Progress OpenEdge program;"
    )
    assert any(line.strip().startswith("oeclient db-name load --seconds S") for line in lines)
    assert oe.numbers(result) == []
    assert prod.list_files() == []  # nothing was opened or created
