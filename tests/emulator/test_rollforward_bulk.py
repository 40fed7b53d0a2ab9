"""Roll forward writes each data block once per file, however many of the file's notes change it
(engine.imagebatch), and leaves exactly the blocks that applying the notes one by one leaves.

Writes are counted with the emulator-only fault hook OEDR_FAULT=write:N (dbfiles.faults): the roll forward is
killed at its Nth write when it makes at least N, so the smallest N it survives, less one, is its write count.
"""

from __future__ import annotations

from oedr.harness.backends.local import LocalHost
from oedr.harness.site import Site

KILLED = (-9, 137)


def _restore(host: LocalHost, oe: type, files: dict[str, bytes]) -> None:
    for name in oe.db_files(host, "sports"):
        if name not in files:
            host.remove_file(name)
    for name, data in files.items():
        host.write_file(name, data)


def _writes(host: LocalHost, oe: type, command: str, files: dict[str, bytes]) -> int:
    """How many writes ``command`` makes from the database state ``files`` (restored before each run and after)."""

    def killed_at(n: int) -> bool:
        _restore(host, oe, files)
        run = host.run(command, env={"OEDR_FAULT": f"write:{n}"})
        assert "Traceback" not in run.output, run.describe()
        assert run.exit_status in (0, *KILLED), run.describe()
        return run.exit_status != 0

    low, high = 1, 256  # killed at low, survives high: the count is in [low, high - 1]
    assert killed_at(low)
    assert not killed_at(high)
    while high - low > 1:
        middle = (low + high) // 2
        if killed_at(middle):
            low = middle
        else:
            high = middle
    _restore(host, oe, files)
    return low


def test_roll_forward_writes_do_not_grow_with_the_notes_that_change_the_same_blocks(site: Site, oe):
    prod = site.host("production")
    oe.make_db(prod)
    oe.ok(prod, "probkup sports full.bak")
    oe.commit(prod, "sports", 3)
    oe.ok(prod, "rfutil sports -C aimage new")
    oe.commit(prod, "sports", 30)
    oe.ok(prod, "rfutil sports -C aimage new")
    expected = oe.digest(prod, "sports")
    dr = site.host("dr")
    for source, target in (("full.bak", "full.bak"), ("sports.a1", "s.1.a1"), ("sports.a2", "s.2.a2")):
        dr.write_file(target, prod.read_file(source))
    oe.ok(dr, "prorest sports full.bak")
    before_first = {name: dr.read_file(name) for name in oe.db_files(dr, "sports")}
    few = _writes(dr, oe, "rfutil sports -C roll forward -a s.1.a1", before_first)
    oe.ok(dr, "rfutil sports -C roll forward -a s.1.a1")
    before_second = {name: dr.read_file(name) for name in oe.db_files(dr, "sports")}
    many = _writes(dr, oe, "rfutil sports -C roll forward -a s.2.a2", before_second)
    # 30 notes against 3, each note one block image: one write per note would make 27 more.
    assert many == few, (few, many)
    oe.ok(dr, "rfutil sports -C roll forward -a s.2.a2")
    assert oe.digest(dr, "sports") == expected
