"""The broker is a real ``_mprosrv`` process that holds the database's files (semantics §3.1).

Site scripts find the broker with ``ps -ef | grep _mprosrv`` or ``pgrep _mprosrv`` and ask "is anything using
this database?" with ``fuser``/``lsof``. Both are checked here with those very tools, run on the host as a
DBA runs them, and with what they read (/proc) where a tool is not installed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from oedr.harness.openedge.engine import proctitle
from oedr.harness.openedge.hostinfo import pid_alive
from oedr.harness.openedge.waiting import poll_until

FIXED_AI = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na . f 128\na . f 128\na . f 128\n'
"""Three 128 KB fixed AI extents: a few dozen one-record transactions fill one and switch to the next."""
DB_FILES = ("sports.db", "sports.b1", "sports.d1", "sports_7.d1")
needs = {
    tool: pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed on this machine")
    for tool in ("ps", "pgrep", "fuser")
}


def held_by(pid: int) -> set[str]:
    """The database files a process holds open, as /proc shows them (what fuser and lsof read)."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("/"):
            held.add(os.path.basename(target))
    return {name for name in held if re.fullmatch(r"sports(_\d+)?\.(db|[bda]\d+)", name)}


def fuser_pids(host, name: str) -> set[int]:
    """The pids ``fuser <file>`` names (it prints them on stdout, the file name on stderr)."""
    return {int(pid) for pid in re.findall(r"\d+", host.run(f"fuser {name}").stdout)}


def test_the_broker_is_mprosrv_with_the_database_and_its_parameters(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports -S 20000 -n 10 -aistall")
    pid = oe.broker_pid(prod, "sports")
    words = proctitle.title_of(pid)
    assert os.path.basename(words[0]) == "_mprosrv", words
    assert words[1:] == ["sports", "-S", "20000", "-n", "10", "-aistall"]
    assert Path(f"/proc/{pid}/comm").read_text().strip() == "_mprosrv"
    assert os.access(words[0], os.X_OK), f"{words[0]} is not the executable the broker runs as"


@needs["ps"]
@needs["pgrep"]
def test_ps_ef_and_pgrep_find_the_broker(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports -S 20000")
    pid = oe.broker_pid(prod, "sports")
    # ww: full width whatever COLUMNS says (pytest-xdist workers set it to 80; cron and pipes do not)
    lines = [line for line in oe.ok(prod, "ps -efww").stdout.splitlines() if "_mprosrv" in line]
    mine = [line for line in lines if line.split()[1] == str(pid)]
    assert len(mine) == 1, lines
    assert re.search(r" \S*/_mprosrv sports -S 20000$", mine[0]), mine[0]
    assert str(pid) in oe.ok(prod, "pgrep -x _mprosrv").stdout.split()
    oe.ok(prod, "proshut sports -by")
    # gone (pgrep would still list it as a zombie until its new parent, init, reaps it)
    poll_until(lambda: not pid_alive(pid), timeout=20, what=f"broker {pid} to end")


def test_the_broker_holds_the_database_files_until_shutdown_and_follows_the_ai_switches(prod, oe):
    oe.make_db(prod, st=FIXED_AI)
    oe.ok(prod, "proserve sports")
    pid = oe.broker_pid(prod, "sports")
    assert held_by(pid) == {*DB_FILES, "sports.a1"}
    oe.ok(prod, "rfutil sports -C aimage new")  # an online switch through the broker
    assert held_by(pid) == {*DB_FILES, "sports.a2"}
    # a fixed extent that fills switches inside the broker, as it commits
    while [row[1] for row in oe.ai_extents(prod, "sports")][2] != "BUSY":
        oe.commit(prod, "sports", 10)
    assert held_by(pid) == {*DB_FILES, "sports.a3"}
    oe.ok(prod, "proshut sports -by")
    assert oe.ok(prod, "proutil sports -C busy").stdout == "The database sports is not in use. (90030)\n"
    assert not Path(f"/proc/{pid}/fd").exists() or held_by(pid) == set()


@needs["fuser"]
def test_fuser_names_the_broker_as_the_holder_of_the_database(prod, oe):
    oe.make_db(prod)
    assert fuser_pids(prod, "sports.db") == set()
    oe.ok(prod, "proserve sports")
    pid = oe.broker_pid(prod, "sports")
    for name in (*DB_FILES, "sports.a1"):
        assert fuser_pids(prod, name) == {pid}, name
    assert fuser_pids(prod, "sports.a2") == set()
    oe.ok(prod, "rfutil sports -C aimage new")
    assert (fuser_pids(prod, "sports.a1"), fuser_pids(prod, "sports.a2")) == (set(), {pid})
    oe.commit(prod, "sports", 3)  # every commit rewrites the control area: still held, the new one
    assert fuser_pids(prod, "sports.db") == {pid}
    oe.ok(prod, "proshut sports -by")
    for name in (*DB_FILES, "sports.a2"):
        assert fuser_pids(prod, name) == set(), name


def test_a_database_without_after_imaging_holds_no_ai_extent(prod, oe):
    oe.make_db(prod, ai=False)
    oe.ok(prod, "proserve sports")
    assert held_by(oe.broker_pid(prod, "sports")) == set(DB_FILES)


def test_mprosrv_run_by_the_dba_starts_the_broker_as_proserve_does(prod, oe):
    oe.make_db(prod)
    assert oe.ok(prod, "_mprosrv sports -S 20000").stdout == "Multi-user session begin. (333)\n"
    pid = oe.broker_pid(prod, "sports")
    assert proctitle.title_of(pid)[1:] == ["sports", "-S", "20000"]
    oe.refused(prod, "_mprosrv sports", [276])
    oe.refused(prod, "_mprosrv", [90010])  # the same command line as proserve, so the same usage line
    assert oe.numbers(oe.ok(prod, "proshut sports -by")) == [542, 334]
