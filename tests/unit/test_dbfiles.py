"""Round trips and damage detection of the on-disk formats (harness/openedge/dbfiles)."""

from __future__ import annotations

import os
import struct
from dataclasses import asdict

import pytest

from oedr.harness.openedge.dbfiles import aifile, bilog, control, extents, lockfile, notes
from oedr.harness.openedge.dbfiles.framing import FRAME, FrameError, decode_header, encode_header, frame, read_frames

TX = notes.Transaction(
    7, 1_700_000_000_000_000, 1_700_000_000_000_001, [(7, 1, b"img\x00\x01"), (6, 3, b"x")], {"records": 2}
)


# --- framing ----------------------------------------------------------------------------------------
def test_frames_round_trip_and_stop_at_zeros():
    data = b"HEAD" + frame(b"one") + frame(b"three") + b"\0" * 16 + frame(b"after the zeros")
    assert list(read_frames(data, 4)) == [(4, b"one"), (15, b"three")]
    assert list(read_frames(frame(b""), 0)) == []  # an empty payload reads as never written: notes never are


@pytest.mark.parametrize("where", [0, 3, 8, 10])
def test_a_flipped_byte_in_a_frame_is_detected(where):
    data = bytearray(frame(b"payload!"))
    data[where] ^= 0x40
    with pytest.raises(FrameError):
        list(read_frames(bytes(data), 0))


def test_a_frame_cut_short_is_detected():
    with pytest.raises(FrameError, match="runs past the end"):
        list(read_frames(frame(b"payload")[:-1], 0))


def test_headers_round_trip_and_pad_to_their_block():
    fields = {"db_id": "abc", "n": 3, "nested": {"k": [1, 2]}}
    block = encode_header(b"MAGIC123", fields, 512)
    assert len(block) == 512
    assert decode_header(b"MAGIC123", block) == fields


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda b: b"WRONGMAG" + b[8:], "bad magic"),
        (lambda b: b[:8] + b"\0" * (len(b) - 8), "empty header"),
        (lambda b: b[:20] + bytes([b[20] ^ 1]) + b[21:], "checksum mismatch"),
    ],
)
def test_damaged_headers_are_refused(damage, reason):
    block = encode_header(b"MAGIC123", {"a": 1}, 256)
    with pytest.raises(FrameError, match=reason):
        decode_header(b"MAGIC123", damage(block))


def test_a_header_that_does_not_fit_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        encode_header(b"MAGIC123", {"a": "x" * 600}, 512)


def test_a_header_that_is_not_an_object_is_refused():
    block = (b"MAGIC123" + frame(b"[1, 2]")).ljust(64, b"\0")
    with pytest.raises(FrameError, match="unreadable header"):
        decode_header(b"MAGIC123", block)


# --- notes ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "note",
    [
        notes.Begin(3, 10),
        notes.BlockChange(3, 11, 7, 2, b"before\x00\x00", b"after\x00"),
        notes.Commit(3, 12, 1_700_000_000_000_000, 1_700_000_000_000_005, {"records": 4, "hiwater": {"7": 2}}),
        TX,
        notes.Transaction(8, 1, 2, [], {}),
    ],
)
def test_notes_round_trip(note):
    decoded = notes.decode(notes.encode(note))
    if isinstance(note, notes.BlockChange):  # images are stored without their zero padding
        assert decoded == notes.BlockChange(3, 11, 7, 2, b"before", b"after")
    elif isinstance(note, notes.Transaction):
        assert decoded == notes.Transaction(
            note.trid, note.time, note.lstmod, [(a, b, i.rstrip(b"\0")) for a, b, i in note.images], note.extra
        )
    else:
        assert decoded == note


@pytest.mark.parametrize("payload", [b"", b"Z123", b"B\x01", b"T" + b"\xff" * 40, notes.encode(TX)[:-3]])
def test_unreadable_notes_raise_value_error(payload):
    with pytest.raises(ValueError, match="note"):
        notes.decode(payload)


# --- data blocks and extents ------------------------------------------------------------------------
def test_blocks_round_trip_with_their_lsn_and_backup_counter():
    block = extents.Block(5, 7, lsn=99, bkctr=3, records={0: b"first", 1: b"second record", 4: b"x" * 300})
    data = block.encode(4096)
    assert len(data) == 4096
    assert extents.decode_block(data, 5, 7) == block
    assert block.used() == extents.BLOCK.size + sum(extents.SLOT.size + len(r) for r in block.records.values())


def test_an_all_zero_block_is_a_never_written_one():
    assert extents.decode_block(b"\0" * 1024, 9, 6) == extents.Block(9, 6)


@pytest.mark.parametrize(
    ("offset", "reason"), [(0, "bad header"), (6, "wrong dbkey"), (14, "checksum mismatch"), (40, "checksum mismatch")]
)
def test_a_damaged_block_is_detected(offset, reason):
    data = bytearray(extents.Block(2, 7, lsn=5, records={0: b"record"}).encode(1024))
    data[offset] ^= 0x10
    with pytest.raises(FrameError, match=reason):
        extents.decode_block(bytes(data), 2, 7)


def test_a_block_in_the_wrong_place_is_detected():
    data = extents.Block(2, 7, records={0: b"r"}).encode(1024)
    with pytest.raises(FrameError, match="found block 2 of area 7, should be block 3 of area 7"):
        extents.decode_block(data, 3, 7)


def test_a_block_that_overflows_is_refused():
    with pytest.raises(ValueError, match="overflow"):
        extents.Block(1, 7, records={0: b"x" * 2000}).encode(1024)


def test_area_files_place_blocks_across_fixed_extents(tmp_path):
    area = control.AreaInfo(
        7,
        "Data",
        "d",
        extents=[
            control.ExtentInfo(1, str(tmp_path / "s_7.d1"), True, 4),  # 4 KB at 1 KB blocks: header + 3 blocks
            control.ExtentInfo(2, str(tmp_path / "s_7.d2"), False, 0),
        ],
    )
    for number, ext in enumerate(area.extents, 1):
        extents.create_extent(
            tmp_path / os.path.basename(ext.path),
            extents.header_fields("db", 7, number, "d", 1, 2),
            1024,
            ext.fixed,
            ext.size_kb,
        )
    files = extents.AreaFiles(area, 1024)
    assert files.capacity() is None
    for number in range(1, 6):
        files.write(extents.Block(number, 7, lsn=number, records={0: f"r{number}".encode()}))
    assert [b.records[0] for b in files.blocks(5)] == [b"r1", b"r2", b"r3", b"r4", b"r5"]
    assert (tmp_path / "s_7.d1").stat().st_size == 4096
    assert (tmp_path / "s_7.d2").stat().st_size == 3 * 1024  # header + blocks 4 and 5
    assert extents.read_extent_header(tmp_path / "s_7.d2", 1024) == extents.header_fields("db", 7, 2, "d", 1, 2)
    area.extents[1].fixed, area.extents[1].size_kb = True, 2
    assert extents.AreaFiles(area, 1024).capacity() == 4
    with pytest.raises(extents.AreaFull):
        extents.AreaFiles(area, 1024).read(5)


# --- AI extents -------------------------------------------------------------------------------------
def test_ai_headers_round_trip(tmp_path):
    path = tmp_path / "s.a1"
    aifile.create(path, 1, "db", 4096, fixed=True, size_kb=64)
    assert path.stat().st_size == 64 * 1024
    assert aifile.read_header(path) == aifile.AiHeader(db_id="db", extent=1, blksize=4096)
    header = aifile.AiHeader("db", 1, aifile.BUSY, 4, 10, 20, 21, 19, 0, 0, 0, 4096)
    aifile.write_header(path, header)
    assert aifile.read_header(path) == header
    assert path.stat().st_size == 64 * 1024


def test_ai_notes_scan_and_seal(tmp_path):
    path = tmp_path / "s.a1"
    aifile.create(path, 1, "db", 4096, fixed=False, size_kb=0)
    writer = aifile.AiWriter(path, aifile.Written(aifile.tail_offset(path)), capacity=None)
    second = notes.Transaction(8, 5, 6, [(7, 1, b"y")], {"records": 1})
    for note in (TX, second):
        writer.write(note)
    writer.close()
    found, end, crc = aifile.scan(path)
    assert [n.trid for n in found] == [7, 8]
    assert end == path.stat().st_size == aifile.tail_offset(path)
    assert crc != 0
    with path.open("ab") as out:
        out.write(frame(notes.encode(second))[:-4])  # a torn write at the tail
    assert aifile.tail_offset(path) == end  # the next note overwrites it
    with pytest.raises(FrameError):
        aifile.scan(path)


def test_a_fixed_ai_writer_knows_when_it_is_full(tmp_path):
    path = tmp_path / "s.a1"
    aifile.create(path, 1, "db", 4096, fixed=True, size_kb=8)
    writer = aifile.AiWriter(path, aifile.Written(), capacity=8 * 1024)
    big = notes.Transaction(1, 1, 1, [(7, 1, b"z" * 3000)], {})
    assert writer.fits(big)
    writer.write(big)
    assert not writer.fits(big)
    writer.close()


def test_ai_reset_empties_a_variable_extent(tmp_path):
    path = tmp_path / "s.a2"
    aifile.create(path, 2, "db", 4096, fixed=False, size_kb=0)
    with path.open("ab") as out:
        out.write(frame(notes.encode(TX)))
    aifile.reset(path, aifile.AiHeader(db_id="db", extent=2, blksize=4096), fixed=False, size_kb=0)
    assert path.stat().st_size == aifile.HEADER_SIZE
    assert aifile.read_header(path).state == aifile.EMPTY


def test_an_unknown_ai_header_field_is_a_damaged_header(tmp_path):
    path = tmp_path / "s.a1"
    path.write_bytes(encode_header(aifile.MAGIC, {**asdict(aifile.AiHeader()), "bogus": 1}, aifile.HEADER_SIZE))
    with pytest.raises(FrameError, match="unknown after-image header"):
        aifile.read_header(path)


# --- BI ---------------------------------------------------------------------------------------------
def test_bi_notes_round_trip_and_a_torn_tail_is_reported(tmp_path):
    path = tmp_path / "s.b1"
    bilog.create(path, {"db_id": "db", "created": 1, "base_lsn": 0}, 1024)
    writer = bilog.BiWriter(path)
    written = [notes.Begin(1, 1), notes.BlockChange(1, 2, 7, 1, b"b", b"a"), notes.Commit(1, 3, 4, 5, {})]
    for note in written:
        writer.write(note)
    writer.sync()
    writer.close()
    assert bilog.read_notes(path, 1024) == (written, False)
    assert bilog.header(path, 1024) == {"db_id": "db", "created": 1, "base_lsn": 0}
    with path.open("ab") as out:
        out.write(frame(notes.encode(notes.Begin(2, 4)))[:12])
    assert bilog.read_notes(path, 1024) == (written, True)
    bilog.truncate(path, 1024)
    assert path.stat().st_size == 1024
    assert bilog.read_notes(path, 1024) == ([], False)


def test_an_ai_note_in_the_bi_ends_the_readable_part(tmp_path):
    path = tmp_path / "s.b1"
    bilog.create(path, {}, 1024)
    with path.open("ab") as out:
        out.write(frame(notes.encode(notes.Begin(1, 1))) + frame(notes.encode(TX)))
    assert bilog.read_notes(path, 1024) == ([notes.Begin(1, 1)], True)


# --- control area and .lk ---------------------------------------------------------------------------
def test_the_control_area_round_trips(tmp_path):
    master = control.Master(
        db_id="db", block_size=4096, created=1, state=control.CLOSED, lstmod=9, hiwater={"7": 3}, records=12
    )
    master.ai = control.AiState(
        enabled=True, aibegin=2, ainew=3, aiopen=3, current_seq=4, expected_seq=2, busy_extent=2
    )
    master.backup.buseq, master.rf.in_progress_seq = 5, 3
    ctl = control.Control(
        master,
        [
            control.AreaInfo(7, "Data", "d", 64, 8, [control.ExtentInfo(1, "/x", True, 128)]),
            control.AreaInfo(101, "After Image Area 1", "a", extents=[control.ExtentInfo(1, "/a1", False, 0)]),
        ],
    )
    path = tmp_path / "s.db"
    control.write(path, ctl, sync=True)
    assert path.stat().st_size == control.CONTROL_SIZE
    assert control.read(path) == ctl
    assert control.read(path).ai_extents() == [control.ExtentInfo(1, "/a1", False, 0)]
    assert not list(tmp_path.glob("*.oedr-tmp"))
    assert control.AiState().expected == 1
    assert control.AiState(expected_seq=7).expected == 7


def test_an_incomplete_master_block_is_a_damaged_control_area(tmp_path):
    path = tmp_path / "s.db"
    path.write_bytes(encode_header(control.MAGIC, {"master": {"db_id": "x"}, "areas": []}, control.CONTROL_SIZE))
    with pytest.raises(FrameError, match="incomplete master block"):
        control.read(path)


def test_lock_files_round_trip(tmp_path):
    path = tmp_path / "s.lk"
    assert lockfile.read(path) is None
    lock = lockfile.Lock(lockfile.MULTI_USER, 4242, "production.host")
    assert lockfile.write_exclusive(path, lock)
    assert not lockfile.write_exclusive(path, lockfile.Lock(lockfile.SINGLE_USER, 1, "other"))
    assert lockfile.read(path) == lock
    assert path.stat().st_size == 38
    assert struct.unpack_from("<ii", path.read_bytes()) == (lockfile.MULTI_USER, 4242)
    lockfile.rewrite(path, lockfile.Lock(lockfile.SINGLE_USER, 7, "h"))
    assert lockfile.read(path) == lockfile.Lock(lockfile.SINGLE_USER, 7, "h")
    lockfile.remove(path)
    assert lockfile.read(path) is None


def test_an_unreadable_lock_file_reads_as_held_by_an_unknown_host(tmp_path):
    path = tmp_path / "s.lk"
    path.write_bytes(b"\x02\0")
    assert lockfile.read(path) == lockfile.Lock(lockfile.MULTI_USER, 0, "")


def test_frame_header_size_is_what_the_formats_assume():
    assert FRAME.size == 8
