"""Ordinary mistakes get an OpenEdge-style message and change nothing; closed stdio still ends cleanly.

Each test names the mistake a DBA makes and checks the message number, the exit status and that the
database's files are byte for byte as they were (the write-ahead tests: that no data block changed).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from badinput_helpers import hashes, make_db, ok, run_script

from oedr.harness.openedge.dbfiles import extents

NUMBER = re.compile(r"\((\d{2,5})\)\s*$", re.M)


def numbers(text: str) -> list[int]:
    return [int(n) for n in NUMBER.findall(text)]


def refused(host, command: str, expected: list[int], stdin: str | None = None) -> str:
    before = hashes(host.root)
    result = host.run(command, stdin=stdin)
    assert result.exit_status != 0, result.describe()
    assert numbers(result.output) == expected, result.describe()
    assert "Traceback" not in result.output
    assert hashes(host.root) == before, f"{command} changed files"
    return result.output


# --- prostrct list never writes over a database ------------------------------------------------------------
@pytest.mark.parametrize(
    "target",
    [
        "sports.db",
        "sports.b1",
        "sports.d1",
        "sports_7.d1",
        "sports.a1",
        "sports.lg",
        "./sports.db",
        "full.bck",
        "other.db",
        "other_7.d1",
    ],
)
def test_prostrct_list_refuses_to_write_over_a_database_file(host, target):
    make_db(host)
    ok(host, "probkup sports full.bck")
    make_db(host, "other")
    output = refused(host, f"prostrct list sports {target}", [90140])
    assert "is not written over it" in output


def test_prostrct_list_still_writes_a_structure_file(host):
    make_db(host)
    ok(host, "prostrct list sports listed.st")
    assert b"sports_7.d1" in host.read_file("listed.st")


# --- numbers, names, dates ---------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["²", "٣", "１２", "9" * 5000, "99999999999999999999"])
def test_digits_that_are_not_ascii_or_too_long_are_not_a_whole_number(host, value):
    make_db(host)
    refused(host, f"oeclient sports commit --count {value}", [90013])
    refused(host, f"proutil sports -C truncate bi -G {value}", [90013])


def test_a_number_after_aimage_extent_empty_that_is_no_extent_changes_nothing(host):
    make_db(host)
    refused(host, f"rfutil sports -C aimage extent empty {'9' * 5000}", [90047])


@pytest.mark.parametrize("endtime", ["0001:01:01:00:00:00", "0000:01:01:00:00:00", "２０２０:01:01:00:00:00"])
def test_an_endtime_the_clock_cannot_hold_is_a_usage_error(host, endtime):
    make_db(host)
    refused(host, f"rfutil sports -C roll forward endtime {endtime} -a sports.a1", [90010])


def test_a_database_name_too_long_for_the_file_system_gives_43_errno_36(host):
    make_db(host)
    output = refused(host, f"prodb {'x' * 300} empty", [43])
    assert "errno = 36" in output
    assert not [n for n in os.listdir(host.root) if n.startswith("xxx")]


def test_a_record_too_large_is_refused_before_the_database_is_opened(host):
    """90080 used to come after the open had stamped the control area and the extents' open dates."""
    make_db(host)
    before_log = host.read_file("sports.lg")
    refused(host, "oeclient sports commit --bytes 100000", [90080])
    refused(host, f"oeclient sports commit --bytes {'9' * 17}", [90080])
    assert host.read_file("sports.lg") == before_log  # not even a session was begun


def test_a_refusal_leaves_a_crashed_databases_lk_for_crash_recovery(host):
    """A stale .lk (its holder was killed) is cleared only by a command that takes the database."""
    make_db(host)
    killed = host.run("oeclient sports commit", env={"OEDR_FAULT": "after-bi-commit"})
    assert killed.exit_status == -9
    assert "sports.lk" in host.list_files()
    refused(host, "oeclient sports commit --bytes 100000", [90080])
    refused(host, "rfutil sports -C aimage extent empty 7", [90047])
    assert "sports.lk" in host.list_files()
    ok(host, "proutil sports -C truncate bi")  # takes the database: 4194, crash recovery
    assert "sports.lk" not in host.list_files()


def test_a_damaged_block_refuses_a_full_scan_before_anything_is_written(host):
    make_db(host)
    data = bytearray(host.read_file("sports_7.d1"))
    data[extents.BLOCK.size + 4096 + 10] ^= 0xFF  # inside block 1's first record
    host.write_file("sports_7.d1", bytes(data))
    refused(host, "oeclient sports digest", [90001])


# --- closed standard input and output ----------------------------------------------------------------------
def test_a_closed_stdout_still_does_the_work_and_exits_0(host):
    """``probkup sports full.bck >&-``: no banner, no messages, but the backup is written and the status is 0."""
    make_db(host)
    done = run_script(host, ["probkup", "sports", "full.bck"], closed=(1,))
    assert (done.returncode, done.stderr) == (0, "")
    ok(host, "prorest sports full.bck -vp")
    ok(host, "oeclient sports commit --count 2")
    done = run_script(host, ["prorest", "sports", "full.bck"], closed=(1,), stdin="y\n")  # the prompt is lost
    assert (done.returncode, done.stderr) == (0, "")
    assert "records=3 " in ok(host, "oeclient sports digest")


def test_a_closed_stdout_still_reports_a_refusal_by_its_status(host):
    make_db(host)
    before = hashes(host.root)
    done = run_script(host, ["rfutil", "sports", "-C", "aimage", "frobnicate"], closed=(1,))
    assert done.returncode == 1
    assert done.stderr == ""
    done = run_script(host, ["oeclient", "sports", "commit", "--bytes", "100000"], closed=(1,))
    assert done.returncode == 1
    assert done.stderr == ""
    assert hashes(host.root) == before


def test_a_closed_stdin_answers_no_to_the_restore_prompt(host):
    """``prorest sports full.bck <&-``: nobody can answer, so nothing is restored (90100), exit 1."""
    make_db(host)
    ok(host, "probkup sports full.bck")
    ok(host, "oeclient sports commit --count 2")
    before = hashes(host.root)
    done = run_script(host, ["prorest", "sports", "full.bck"], closed=(0,))
    assert done.returncode == 1, done
    assert numbers(done.stdout) == [90100]
    assert done.stderr == ""
    assert hashes(host.root) == before
    done = run_script(host, ["prorest", "sports", "full.bck"], closed=(0, 1))
    assert (done.returncode, done.stderr) == (1, "")
    assert hashes(host.root) == before


def test_closed_standard_fds_are_not_reused_for_database_files(host):
    """With fds 0-2 closed the first files opened would take their numbers; a later print would then land in
    a database file. The entry point points them at /dev/null first."""
    make_db(host)
    done = run_script(host, ["oeclient", "sports", "commit", "--count", "3"], closed=(0, 1, 2))
    assert done.returncode == 0
    assert "records=6 " in ok(host, "oeclient sports digest")


# --- write-ahead: the BI note is durable before any data block changes -------------------------------------
def _data_blocks(host) -> dict[str, bytes]:
    """Every block of every data extent but its header block (which carries the open date a session stamps)."""
    found = {}
    for name in ("sports.d1", "sports_7.d1"):
        data = host.read_file(name)
        found[name] = data[4096:]
    return found


def _unprivileged_owner(host, bi_owner_root: bool) -> None:
    """The host directory and the database's files belong to nobody, except (optionally) the BI."""
    import pwd

    nobody = pwd.getpwnam("nobody")
    Path(host.root).parent.chmod(0o755)
    for path in [Path(host.root), *Path(host.root).iterdir()]:
        if path.name == ".shm":
            continue
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    if bi_owner_root:
        os.chown(Path(host.root, "sports.b1"), 0, 0)
        Path(host.root, "sports.b1").chmod(0o644)


def test_a_user_who_cannot_write_the_bi_changes_nothing(host, as_unprivileged):
    """The BI belongs to another user: the commit is refused (43, errno 13) before any file changes; it used
    to stamp the extents' open dates and fail with 90099 at the first BI write."""
    as_unprivileged()
    make_db(host)
    _unprivileged_owner(host, bi_owner_root=True)
    before = hashes(host.root, skip_log=False)
    done = run_script(host, ["oeclient", "sports", "commit"], user="nobody")
    assert done.returncode == 1, done
    assert numbers(done.stdout) == [43]
    assert "errno = 13" in done.stdout
    assert "sports.b1" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert hashes(host.root, skip_log=False) == before


@pytest.mark.parametrize(
    "command",
    [
        ["oeclient", "sports", "commit"],
        ["oeclient", "sports", "digest"],
        ["proutil", "sports", "-C", "truncate", "bi"],
        ["rfutil", "sports", "-C", "mark", "backedup"],
        ["rfutil", "sports", "-C", "aimage", "new"],
        ["probkup", "sports", "x.bck"],
        ["prostrct", "list", "sports"],
        ["prostrct", "repair", "sports", "sports.st"],
        ["proserve", "sports"],
        ["prorest", "sports", "full.bck"],
        ["prodb", "copy", "empty"],
        ["proutil", "sports", "-C", "describe"],
    ],
)
def test_a_user_without_write_access_gets_messages_and_changes_nothing(host, as_unprivileged, command):
    """As nobody, in a directory nobody may not write: every command ends with a numbered message or does
    its read-only work; none prints a traceback or 90099, none changes a file."""
    as_unprivileged()
    make_db(host)
    ok(host, "probkup sports full.bck")
    Path(host.root).parent.chmod(0o755)
    before = hashes(host.root, skip_log=False)
    done = run_script(host, command, user="nobody", stdin="y\n")
    text = done.stdout + done.stderr
    assert "Traceback" not in text, text
    assert "(90099)" not in text, text
    if done.returncode != 0:
        assert numbers(done.stdout), text
    assert hashes(host.root, skip_log=False) == before


def test_prostrct_repair_without_write_access_names_the_control_area(host, as_unprivileged):
    as_unprivileged()
    make_db(host)
    Path(host.root).parent.chmod(0o755)
    before = hashes(host.root, skip_log=False)
    done = run_script(host, ["prostrct", "repair", "sports", "sports.st"], user="nobody")
    assert done.returncode == 1, done
    assert numbers(done.stdout) == [43], done.stdout
    assert f"{host.root}/sports.db, errno = 13" in done.stdout
    assert hashes(host.root, skip_log=False) == before


@pytest.fixture
def small_disk(host):
    """A 64 KB tmpfs mounted on ``bi/`` in the host directory (root only), unmounted afterwards."""
    target = Path(host.root, "bi")
    target.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(target)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_full_disk_under_the_bi_fails_the_commit_before_any_data_block_changes(host, small_disk):
    """The BI extent lives on a file system that is full: commits go on while the BI's last page has room,
    then one gets 6091 at a BI write, and that commit has changed no data block of any extent; the database
    still opens, with every acknowledged transaction."""
    make_db(host, st='b bi\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\n')
    filler = small_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass  # the disk is full
    finally:
        os.close(fd)
    acknowledged = 3
    for _attempt in range(20):
        blocks = _data_blocks(host)
        result = host.run("oeclient sports commit")
        if result.exit_status == 0:
            acknowledged += 1
            continue
        assert numbers(result.output) == [6091], result.describe()
        assert "sports.b1" in result.output
        assert _data_blocks(host) == blocks
        break
    else:
        pytest.fail("the BI never filled the disk")
    filler.unlink()
    assert f"records={acknowledged} " in ok(host, "oeclient sports digest")
