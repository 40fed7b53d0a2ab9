"""A backup never carries, unannounced, damage the database itself detects.

probkup checks every block as it reads it (dbkey and checksum) and fails the backup on a damaged one (90001,
then 90107; KB-P14232: the corruption is raised when PROBKUP creates the volume, failing the backup), writing
no volume and leaving the database's files as they were. prorest -vp / -vf (and a restore) check each block
of a volume the same way, so a volume that holds a damaged block, however its own checksums read, is not
"verified ok" (90150, the text KB-P14232 gives for -vp, then 90064).
"""

from __future__ import annotations

import pytest

from oedr.harness.openedge.dbfiles import backup as volumes
from oedr.harness.openedge.dbfiles import extents
from oedr.harness.openedge.dbfiles.framing import FRAME, frame

BLOCK_SIZE = 4096  # the emulator's default block size (engine/create.py)


def _damage_block(data: bytes, number: int = 1) -> bytes:
    """One bit flipped inside the used part of a data block of a .d file (its checksum no longer holds)."""
    start = number * BLOCK_SIZE
    block = extents.decode_block(data[start : start + BLOCK_SIZE], number, 7)
    damaged = bytearray(data)
    damaged[start + block.used() - 3] ^= 0x01
    return bytes(damaged)


def _damage_block_in_volume(volume: bytes) -> bytes:
    """A volume whose first block of area 7 is damaged but whose record checksum was recomputed: what a
    probkup that copied a damaged block without checking it would have written."""
    offset = volume.index(volumes.MAGIC) + len(volumes.MAGIC)
    while offset < len(volume):
        length, _crc = FRAME.unpack_from(volume, offset)
        payload = volume[offset + FRAME.size : offset + FRAME.size + length]
        if payload[:1] == b"B" and volumes._RECORD.unpack_from(payload)[1] == 7:
            body = bytearray(payload)
            body[volumes._RECORD.size + extents.BLOCK.size + 5] ^= 0x01
            return volume[:offset] + frame(bytes(body)) + volume[offset + FRAME.size + length :]
        offset += FRAME.size + length
    raise AssertionError("no block of area 7 in the volume")


@pytest.fixture
def with_data(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 5)
    oe.ok(prod, "proshut sports -by")
    return prod


def _zero_512(data: bytes) -> bytes:
    """512 bytes zeroed inside block 1's records (the bad-input corpus's case)."""
    start = BLOCK_SIZE + 64
    return data[:start] + bytes(512) + data[start + 512 :]


@pytest.mark.parametrize("damage", [_damage_block, _zero_512], ids=["bit-flip", "512-zeroed"])
def test_probkup_of_a_damaged_block_fails_and_writes_nothing(with_data, oe, damage):
    prod = with_data
    prod.write_file("sports_7.d1", damage(prod.read_file("sports_7.d1")))
    oe.refused(prod, "oeclient sports digest", [90001])  # the database itself detects it
    before = oe.hashes(prod, "sports")
    result = oe.refused(prod, "probkup sports new.bak", [90001, 90107])
    assert "checksum mismatch in block 1 of area 7" in result.output
    assert not [name for name in prod.list_files() if name.startswith("new.bak")]
    assert oe.hashes(prod, "sports") == before


def test_online_probkup_of_a_damaged_block_fails_and_writes_nothing(with_data, oe):
    prod = with_data
    prod.write_file("sports_7.d1", _damage_block(prod.read_file("sports_7.d1")))
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "probkup online sports new.bak", [90001, 90107])
    assert not [name for name in prod.list_files() if name.startswith("new.bak")]
    oe.ok(prod, "proshut sports -by")


@pytest.mark.parametrize("option", ["-vp", "-vf", ""])
def test_a_volume_carrying_a_damaged_block_fails_verification_and_restore(with_data, dr, oe, option):
    prod = with_data
    oe.ok(prod, "probkup sports good.bak")
    dr.write_file("bad.bak", _damage_block_in_volume(prod.read_file("good.bak")))
    dr.write_file("good.bak", prod.read_file("good.bak"))
    oe.ok(dr, "prorest sports good.bak")  # a target for -vf, and proof the volume was good before
    before = oe.hashes(dr, "sports")
    result = oe.refused(dr, f"prorest sports bad.bak {option}".strip(), [90150, 90064])
    assert "6758" not in result.output
    assert oe.hashes(dr, "sports") == before
