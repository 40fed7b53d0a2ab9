"""aifile.check_written: the BUSY extent's notes against the write position, count and checksum recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from oedr.harness.openedge.dbfiles import aifile, notes
from oedr.harness.openedge.dbfiles.framing import FrameError, frame


def _note(trid: int) -> notes.Transaction:
    return notes.Transaction(trid, trid, trid, [(7, 1, b"r" * 300)], {"records": 1})


def _extent(tmp_path: Path, count: int, fixed_kb: int = 0) -> tuple[aifile.Written, Path]:
    path = tmp_path / "s.a1"
    aifile.create(path, 1, "db", 4096, fixed=bool(fixed_kb), size_kb=fixed_kb)
    writer = aifile.AiWriter(path, aifile.Written(), capacity=fixed_kb * 1024 or None)
    for trid in range(1, count + 1):
        writer.write(_note(trid))
    writer.close()
    return writer.written(), path


@pytest.mark.parametrize("fixed_kb", [0, 64])
def test_an_intact_extent_matches_what_was_recorded(tmp_path, fixed_kb):
    written, path = _extent(tmp_path, 3, fixed_kb)
    assert aifile.check_written(path, written, fixed_kb * 1024 or None) == written
    assert written.notes == 3


def test_notes_after_the_recorded_position_and_a_torn_tail_are_a_crash_not_damage(tmp_path):
    written, path = _extent(tmp_path, 3)
    with path.open("ab") as out:
        out.write(frame(notes.encode(_note(4))))
        out.write(frame(notes.encode(_note(5)))[:-10])
    found = aifile.check_written(path, written, None)
    assert (found.notes, found.end) == (4, written.end + len(frame(notes.encode(_note(4)))))


def test_a_cut_at_a_note_boundary_is_damage(tmp_path):
    written, path = _extent(tmp_path, 3)
    one_note_fewer = written.end - len(frame(notes.encode(_note(3))))
    path.write_bytes(path.read_bytes()[:one_note_fewer])
    with pytest.raises(FrameError, match="truncated"):
        aifile.check_written(path, written, None)


def test_a_fixed_extent_cut_short_is_damage(tmp_path):
    written, path = _extent(tmp_path, 3, fixed_kb=64)
    path.write_bytes(path.read_bytes()[: 60 * 1024])
    with pytest.raises(FrameError, match="fixed extent"):
        aifile.check_written(path, written, 64 * 1024)


def test_a_flipped_bit_before_the_position_is_damage(tmp_path):
    written, path = _extent(tmp_path, 3)
    data = bytearray(path.read_bytes())
    data[aifile.HEADER_SIZE + 20] ^= 0x10
    path.write_bytes(bytes(data))
    with pytest.raises(FrameError, match="checksum mismatch"):
        aifile.check_written(path, written, None)


def test_a_note_replaced_by_another_of_the_same_size_is_damage(tmp_path):
    """Each note intact, ending where recorded, but not the notes that were written: the running checksum."""
    written, path = _extent(tmp_path, 2)
    data = path.read_bytes()
    first = frame(notes.encode(_note(1)))
    replaced = frame(notes.encode(_note(9)))
    assert len(first) == len(replaced)
    path.write_bytes(data[: aifile.HEADER_SIZE] + replaced + data[aifile.HEADER_SIZE + len(first) :])
    with pytest.raises(FrameError, match="do not match"):
        aifile.check_written(path, written, None)
