"""--record on the openedge backend writes a golden transcript that the emulator replays.

No licensed OpenEdge is available here, so the openedge backend is pointed at the emulator's own image, whose
$DLC/bin holds the emulator's tools (OEDR_OE_DLC=/psc/dlc): what is under test is the recording (every command
with its output and exit status, the files written, the copies, the host directories as {dir}) and that
what it writes is a transcript the replay runs, with the same text, on the local backend.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import docker
from oedr.harness import golden
from oedr.harness.backends import images
from oedr.harness.backends.local import LocalBackend
from oedr.harness.backends.openedge import OpenEdgeBackend
from oedr.harness.site import Site

pytestmark = pytest.mark.docker

ST = 'b .\nd "Schema Area":6,32;1 .\na .\na .\na .'


def test_a_recorded_openedge_run_is_a_transcript_the_emulator_replays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OEDR_OE_DLC", "/psc/dlc")
    monkeypatch.setenv("OEDR_OE_DATA", "/data/oedr")
    client = docker.from_env(timeout=120)
    try:
        image = images.emulator_image(client)
    finally:
        client.close()
    backend = OpenEdgeBackend(image=image)
    recorder = backend.record("a recorded scenario")
    site = Site(backend)
    try:
        production = site.host("production")
        production.write_file("sports.st", ST.encode() + b"\n")
        for command in (
            "prodb sports empty",
            "rfutil sports -C mark backedup",
            "rfutil sports -C aimage begin",
            "rfutil sports -C aimage new",
            "rfutil sports -C aimage list",
            "rfutil sports -C aimage new",
            "prostrct list sports",
        ):
            site.must("production", command)
        production.copy_files(["sports.a1"], site.host("dr"), ".", "archive")
        site.run("dr", "rfutil sports -C aimage scan -a archive/sports.a1")  # no database on dr: refused
    finally:
        site.close()
    recorder.write(tmp_path / "recorded.t")
    text = (tmp_path / "recorded.t").read_text()
    assert "/data/oedr/" not in text
    assert "\ncopy sports.a1 > dr:archive\n" in text
    assert "| Status:  Busy" in text
    transcript = golden.load(tmp_path / "recorded.t")
    assert transcript.field("backend") == "openedge"
    assert transcript.field("image") == image
    local = LocalBackend()
    try:
        assert golden.Replay(local).run(transcript) == []
    finally:
        local.close()
