"""The golden-transcript format (harness/golden.py): the normalisation, the matching, parsing, and recording."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from oedr.harness import golden
from oedr.harness.backends.local import LocalBackend

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017\n\nAfter-image disabled. (846)\n",
            "After-image disabled. (846)\n",
        ),
        ("PROGRESS Version 9.1D06 as of Tue Feb 18 04:18:50 EST 2003\nx\n", "x\n"),
        (
            "[2016/05/12@14:03:52.486+0400] P-1 T-1 I ABL 10: (452) Login by root on batch.",
            "[<timestamp>] P-<pid> T-<thread> I ABL 10: (452) Login by <user> on <tty>.",
        ),
        (
            "** The database was last changed Thu May 27 21:13:10 2010. (831)",
            "** The database was last changed <date>. (831)",
        ),
        ("This backup was taken Tue Oct 4 11:41:32 2005. (6760)", "This backup was taken <date>. (6760)"),
        ("Start:  Tue Feb  3 10:20:44 2009", "Start:  <date>"),
        (
            "roll forward open D:\\int_bkp\\CopyAI\\medman.a4 error: -1. (11014)",
            "roll forward open <dir>/medman.a4 error: -1. (11014)",
        ),
        (
            "Ext # 1, Type VARIABLE, Size 32 KByte, Name: /user/joe/service.db",
            "Ext # 1, Type VARIABLE, Size 32 KByte, Name: <dir>/service.db",
        ),
        (
            "This file was last opened for output on Thu May 27 21:13:10 2010. (1643)",
            "This file was last opened for output on <date>. (1643)",
        ),
        ("prorest session begin for oedr on /dev/pts/3. (451)", "prorest session begin for <user> on <tty>. (451)"),
        ("b ./sports.b1\na ./sports.a1", "b ./sports.b1\na ./sports.a1"),  # relative paths stay
        (
            "Expected ai file number 1 but file specified is 65536 in sequence. (8019)",
            "Expected ai file number 1 but file specified is 65536 in sequence. (8019)",
        ),
    ],
)
def test_normalise_blanks_only_what_varies_between_runs(text, expected):
    assert golden.normalise(text) == expected


def test_normalise_blanks_the_host_names_it_is_given():
    line = "sports.lk: HOSTNAME is production.x1y2 , expected dr.x1y2 (4192)"
    expected = "sports.lk: HOSTNAME is <host> , expected <host> (4192)"
    assert golden.normalise(line, ["production.x1y2", "dr.x1y2"]) == expected


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "b"], "a\nb\n", True),
        (["a", "b"], "a\nb", True),
        (["a", "b"], "a\nb\nc\n", False),
        (["...", "b"], "a\nx\nb\n", True),
        (["...", "b", "..."], "b\n", True),
        (["a", "...", "c"], "a\nc\n", True),
        (["a", "...", "c"], "a\nb\n", False),
        ([], "", True),
        ([], "x\n", False),
    ],
)
def test_matches_takes_dots_for_any_lines(expected, actual, ok):
    assert golden.matches(expected, actual) is ok


def test_a_transcript_dumps_to_what_it_parses_from():
    text = (
        "# title\n# source: KB-X\n\nfile s.st\n| b .\n|\n\n$ prostrct create s s.st\n| line (1)\n| ...\n"
        "[exit 2]\ncopy s.db > dr:archive\nremove s.lk\n\nhost dr\nread s.lg\n| ...\n"
    )
    transcript = golden.parse(text)
    assert transcript.field("source") == "KB-X"
    assert [(s.kind, s.argument, s.lines, s.exit_status) for s in transcript.steps] == [
        ("file", "s.st", ["b .", ""], 0),
        ("$", "prostrct create s s.st", ["line (1)", "..."], 2),
        ("copy", "s.db > dr:archive", None, 0),
        ("remove", "s.lk", None, 0),
        ("host", "dr", None, 0),
        ("read", "s.lg", ["..."], 0),
    ]
    assert golden.parse(transcript.dump()) == transcript


@pytest.mark.parametrize("text", ["| orphan\n", "[exit 1]\n", "$\n", "launch rockets\n"])
def test_a_malformed_transcript_is_refused_with_its_line(text):
    with pytest.raises(golden.GoldenFormatError, match="line 1"):
        golden.parse(text)


def test_a_difference_is_reported_with_the_step_and_both_texts():
    backend = LocalBackend()
    try:
        problems = golden.Replay(backend).run(
            golden.parse(
                "$ proutil nowhere -C busy\n| ** The database nowhere is in use in multi-user mode. (276)\n[exit 6]\n"
            )
        )
    finally:
        backend.close()
    assert len(problems) == 1
    assert problems[0].startswith("`$ proutil nowhere -C busy` on production (exit ")
    assert "  expected:\n    ** The database nowhere is in use in multi-user mode. (276)\n  got:\n    " in problems[0]


def test_what_the_recorder_writes_replays(tmp_path):
    """The recorder's output (what --record writes from a real OpenEdge) is a transcript the replay runs; here
    the commands are the emulator's, so the replay must find exactly what was recorded."""
    recording, replaying = LocalBackend(), LocalBackend()
    try:
        recorder = golden.Recorder("a recorded scenario", {"source": "recorded", "recorded": "now"})
        production, dr = recording.create_host("production"), recording.create_host("dr")
        st = f'b .\nd "Schema Area":6,32;1 {production.root}\na .\na .\n'.encode()
        production.write_file("sports.st", st)
        recorder.file(production, "sports.st", st)
        for command in (
            "prostrct create sports sports.st",
            "procopy empty sports",
            "rfutil sports -C mark backedup",
            "rfutil sports -C aimage begin",
            "rfutil sports -C aimage new",
            "rfutil sports -C aimage list",
            f"prostrct list {production.root}/sports",
        ):
            result = production.run(command)
            recorder.command(production, command, result.output, result.exit_status)
        recorder.copy(production, production.copy_files(["sports.a1"], dr, ".", "archive"), dr, ".", "archive")
        result = dr.run("rfutil sports -C aimage scan -a archive/sports.a1")
        recorder.command(dr, "rfutil sports -C aimage scan -a archive/sports.a1", result.output, result.exit_status)
        recorder.write(tmp_path / "recorded.t")
        text = (tmp_path / "recorded.t").read_text()
        assert production.root not in text
        assert "{dir}" in text
        assert "| Status:  Busy" in text
        problems = golden.Replay(replaying).run(golden.load(tmp_path / "recorded.t"))
    finally:
        recording.close()
        replaying.close()
    assert problems == []


def test_a_recording_names_the_release_its_banners_show_and_what_it_cannot_replay(tmp_path):
    backend = LocalBackend()
    try:
        host = backend.create_host("production")
        recorder = golden.Recorder("t", {"source": "recorded"})
        recorder.command(
            host,
            "proutil sports -C busy",
            "OpenEdge Release 12.8 as of Mon Jan  1 00:00:00 EST 2024\n\nThe database is not in use.\n",
            0,
        )
        recorder.not_replayable("`oeclient sports load --seconds 9` ran in the background")
        recorder.write(tmp_path / "t.t")
    finally:
        backend.close()
    transcript = golden.load(tmp_path / "t.t")
    assert transcript.field("release") == "OpenEdge Release 12.8 as of Mon Jan  1 00:00:00 EST 2024"
    assert transcript.field("replayable") == "no (`oeclient sports load --seconds 9` ran in the background)"


def test_record_is_refused_without_the_openedge_backend(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--record", str(tmp_path), "--co", "-q", "tests/unit/test_messages.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 4, result.stdout + result.stderr
    assert "--record DIR writes golden transcripts of a real OpenEdge: it needs --oe-backend openedge" in result.stderr
    assert not any(tmp_path.iterdir())
