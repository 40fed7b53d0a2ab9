"""An online backup held mid-dump (emulator-only ``OEDR_FAULT=backup-hold:<path>`` in the broker's environment).

The broker, once the backup has its backup point, writes ``<path>.holding`` and waits (without its lock)
until ``<path>`` exists: the tests act while the backup is in progress, with no sleep.

(a) A second ``probkup online`` meanwhile is refused (90109) and writes nothing; released, the first one
    completes and restores production as of its backup point.
(b) ``proshut -by`` meanwhile: a ``-by`` shutdown is unconditional and disconnects everybody (semantics §3.2),
    so the backup is aborted (Broker.shutdown undoes its bookkeeping): no volume is left, complete or partial,
    and the database is closed cleanly, not marked backed up by the aborted backup.
"""

from __future__ import annotations

from pathlib import Path

from oedr.harness.backends.base import Background
from oedr.harness.backends.local import LocalHost
from oedr.harness.openedge.dbfiles import backup as volumes
from oedr.harness.openedge.engine.backup import HOLDING_SUFFIX
from oedr.harness.openedge.waiting import poll_until


def _serve_with_hold(host: LocalHost, oe: type) -> Path:
    """proserve with the hold point in the broker's environment; the release file's path (not yet created)."""
    release = Path(host.path("release"))
    oe.ok(host, "proserve sports", env={"OEDR_FAULT": f"backup-hold:{release}"})
    return release


def _start_held_backup(host: LocalHost, release: Path, device: str) -> Background:
    """``probkup online`` in the background; returns once the broker says the backup is in progress."""
    job = host.start_background(f"probkup online sports {device}")
    marker = release.with_name(release.name + HOLDING_SUFFIX)
    poll_until(
        lambda: marker.exists() or job.handle.poll() is not None, timeout=60, what="the online backup to be in progress"
    )
    assert marker.exists(), f"the backup ended before the hold point: {job.handle.poll()}"
    return job


def _leftovers(host: LocalHost, device: str) -> list[str]:
    """The device's volumes and any temporary volume files (a half-written backup)."""
    return [n for n in host.list_files() if n.startswith(device) or n.endswith(volumes.TMP_SUFFIX)]


def test_second_online_backup_is_refused_while_one_runs(prod: LocalHost, dr: LocalHost, oe: type) -> None:
    oe.make_db(prod)
    oe.commit(prod, "sports", 5)
    release = _serve_with_hold(prod, oe)
    job = _start_held_backup(prod, release, "a.bck")
    try:
        at_point = oe.digest(prod, "sports")
        oe.commit(prod, "sports", 3)  # clients keep committing while the backup is held mid-dump
        later = oe.digest(prod, "sports")
        assert later != at_point

        second = prod.run("probkup online sports b.bck")
        assert second.exit_status != 0, second.describe()
        assert 90109 in oe.numbers(second), second.describe()
        assert "Traceback" not in second.output, second.describe()
        assert not _leftovers(prod, "b.bck")

        release.touch()
        first = oe.finish(job)
    finally:
        oe.stop_job(job)
    assert first.exit_status == 0, first.describe()
    assert oe.numbers(first)[-1] == 3740, first.describe()
    assert not release.with_name(release.name + HOLDING_SUFFIX).exists()

    prod.copy_files(["a.bck"], dr)
    oe.ok(dr, "prorest sports a.bck")
    assert oe.digest(dr, "sports") == at_point  # production as of the backup point, not the later commits
    assert oe.digest(prod, "sports") == later
    oe.ok(prod, "proshut sports -by")


def test_proshut_during_an_online_backup_aborts_it_and_leaves_no_volume(prod: LocalHost, oe: type) -> None:
    oe.make_db(prod)
    oe.commit(prod, "sports", 5)
    before = oe.digest(prod, "sports")
    release = _serve_with_hold(prod, oe)
    counter = oe.describe(prod, "sports")["Backup Counter"]
    job = _start_held_backup(prod, release, "a.bck")
    try:
        oe.ok(prod, "proshut sports -by")
        aborted = oe.finish(job)  # the shutdown ends the hold: no release file needed
    finally:
        oe.stop_job(job)
    assert aborted.exit_status != 0, aborted.describe()
    assert oe.numbers(aborted)[0] == 1423, aborted.describe()  # no server (then 90107 if the reply got out)
    assert "Traceback" not in aborted.output, aborted.describe()
    assert not release.exists()
    assert not _leftovers(prod, "a.bck")  # neither a.bck nor a half-written volume

    assert "sports.lk" not in prod.list_files()  # a normal shutdown: closed, no crash recovery due
    facts = oe.describe(prod, "sports")
    assert facts["Backup Counter"] == counter  # the aborted backup's bookkeeping was undone
    assert oe.digest(prod, "sports") == before
    oe.ok(prod, "proserve sports")  # opens without complaint, and serves what was committed
    assert oe.digest(prod, "sports") == before
    oe.ok(prod, "proshut sports -by")
