"""In-process: what a broker holds open follows the database (engine/held.py), and the control area held is
always the file on disk, though every write replaces it whole."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from oedr.harness.openedge import cli
from oedr.harness.openedge.engine import aimanager
from oedr.harness.openedge.engine.database import Database, OpenOptions
from oedr.harness.openedge.engine.dbname import DbName

ST = 'b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\na .\na .\n'


@pytest.fixture
def sports(tmp_path, monkeypatch) -> DbName:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OEDR_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("OEDR_HOST", "unit")
    (tmp_path / "sports.st").write_text(ST)
    for command in (
        "prostrct create sports sports.st",
        "procopy empty sports",
        "rfutil sports -C mark backedup",
        "rfutil sports -C aimage begin",
    ):
        words = command.split()
        with contextlib.redirect_stdout(io.StringIO()) as out:
            assert cli.run(words[0], words[1:]) == 0, out.getvalue()
    return DbName.parse("sports")


def _same_file(fd_path: str, path: Path) -> bool:
    return os.stat(fd_path).st_ino == path.stat().st_ino


def test_the_held_files_follow_the_control_area_and_the_ai_switch(sports: DbName) -> None:
    db = Database.open(sports, OpenOptions("unit"))
    try:
        db.hold_files()
        assert db.held is not None
        names = {os.path.basename(p) for p in db.held.paths()}
        assert names == {"sports.db", "sports.b1", "sports.d1", "sports_7.d1", "sports.a1"}
        before = sports.db.stat().st_ino
        aimanager.switch(db)  # rewrites the control area (a new file) and makes sports.a2 BUSY
        assert sports.db.stat().st_ino != before
        held = {os.path.basename(p) for p in db.held.paths()}
        assert held == {"sports.db", "sports.b1", "sports.d1", "sports_7.d1", "sports.a2"}
        control = [
            fd
            for fd in os.listdir("/proc/self/fd")
            if os.path.realpath(f"/proc/self/fd/{fd}") == str(sports.db.resolve())
        ]
        assert control, "the control area is not held"
        assert all(_same_file(f"/proc/self/fd/{fd}", sports.db) for fd in control)
        db.close()
        assert db.held is None
        assert not [
            fd
            for fd in os.listdir("/proc/self/fd")
            if os.path.realpath(f"/proc/self/fd/{fd}").startswith(str(sports.db.parent.resolve()) + "/sports")
        ]
    finally:
        db.close()
