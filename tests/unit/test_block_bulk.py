"""Roll forward's bulk block path (extents.restamp, AreaFiles.write_many) against the one-block-at-a-time path
it replaces (decode_block, a new LSN and backup counter, encode, AreaFiles.write): same bytes, same refusals."""

from __future__ import annotations

import os
import random

import pytest

from oedr.harness.openedge.dbfiles import control, extents
from oedr.harness.openedge.dbfiles.framing import FrameError

BLOCK_SIZE = 1024


def _one_by_one(data: bytes, number: int, area: int, lsn: int, bkctr: int) -> bytes:
    block = extents.decode_block(data, number, area)
    block.lsn, block.bkctr = lsn, bkctr
    return block.encode(len(data))


def _blocks() -> list[extents.Block]:
    rng = random.Random(7)
    found = [
        extents.Block(3, 7),  # no record
        extents.Block(3, 7, lsn=4, records={0: b"ends in zeros\0\0\0"}),  # what the AI note's rstrip cuts
        extents.Block(3, 7, lsn=9, bkctr=2, records={2: b"", 5: b"\0" * 40}),
    ]
    for _ in range(20):
        count = rng.randrange(1, 12)
        records = {slot: rng.randbytes(rng.randrange(0, 60)) for slot in rng.sample(range(40), count)}
        found.append(extents.Block(3, 7, lsn=rng.randrange(1, 10**6), bkctr=rng.randrange(5), records=records))
    return found


@pytest.mark.parametrize("block", _blocks())
def test_restamp_gives_the_bytes_of_decode_then_encode(block):
    image = block.encode(BLOCK_SIZE).rstrip(b"\0").ljust(BLOCK_SIZE, b"\0")  # as an AI note carries it
    assert extents.restamp(image, 3, 7, 123456, 4) == _one_by_one(image, 3, 7, 123456, 4)


def test_an_all_zero_image_restamps_as_an_empty_block():
    zeros = b"\0" * BLOCK_SIZE
    assert extents.restamp(zeros, 3, 7, 11, 1) == _one_by_one(zeros, 3, 7, 11, 1)


def _outcome(stamp, data: bytes) -> bytes | str:
    """The re-stamped block, or the refusal's text."""
    try:
        return bytes(stamp(data, 3, 7, 99, 1))
    except FrameError as refusal:
        return f"refused: {refusal}"


def test_restamp_refuses_every_damaged_byte_that_decode_block_refuses():
    data = extents.Block(3, 7, lsn=5, records={0: b"record", 1: b"tail\0\0"}).encode(BLOCK_SIZE)
    used = extents.Block(3, 7, records={0: b"record", 1: b"tail\0\0"}).used()
    for offset in range(used):
        damaged = bytearray(data)
        damaged[offset] ^= 0x10
        assert _outcome(extents.restamp, bytes(damaged)) == _outcome(_one_by_one, bytes(damaged)), offset


def test_restamp_refuses_a_block_in_the_wrong_place():
    data = extents.Block(2, 7, records={0: b"r"}).encode(BLOCK_SIZE)
    with pytest.raises(FrameError, match="found block 2 of area 7, should be block 3 of area 7"):
        extents.restamp(data, 3, 7, 1, 0)


def test_write_many_leaves_the_extents_as_block_by_block_writes_do(tmp_path):
    def area_in(directory):
        directory.mkdir()
        area = control.AreaInfo(
            7,
            "Data",
            "d",
            extents=[
                control.ExtentInfo(1, str(directory / "s_7.d1"), True, 4),  # header + 3 blocks of 1 KB
                control.ExtentInfo(2, str(directory / "s_7.d2"), False, 0),
            ],
        )
        for number, ext in enumerate(area.extents, 1):
            fields = extents.header_fields("db", 7, number, "d", 1, 2)
            extents.create_extent(directory / os.path.basename(ext.path), fields, BLOCK_SIZE, ext.fixed, ext.size_kb)
        return extents.AreaFiles(area, BLOCK_SIZE)

    blocks = [extents.Block(n, 7, lsn=n, records={0: f"r{n}".encode()}) for n in (1, 2, 3, 4, 5, 7)]
    single, bulk = area_in(tmp_path / "single"), area_in(tmp_path / "bulk")
    for block in blocks:
        single.write(block)
    bulk.write_many([(b.number, b.encode(BLOCK_SIZE)) for b in blocks])
    for name in ("s_7.d1", "s_7.d2"):
        assert (tmp_path / "bulk" / name).read_bytes() == (tmp_path / "single" / name).read_bytes()
