"""AI File Management: rfutil -C aiarchiver / aiarchive, proserve -aiarcdir, probkup enableaiarchiver, proshut -C
aimgt, and the after-image manager the broker runs (semantics §3.4, §4.6)."""

from __future__ import annotations

from pathlib import Path

from harness.openedge.dbfiles import aifile
from harness.openedge.waiting import poll_until

FAST = {"OEDR_AIMGT_TIMESCALE": "0.02"}  # the manager's 5-second wake lasts 0.1 s


def _states(host, n: int = 4) -> list[str]:
    return [aifile.read_header(Path(host.path(f"sports.a{i}"))).state for i in range(1, n + 1)]


def _archive_name(host, seq: int, extent: int) -> str:
    return f"{host.root.strip('/').replace('/', '~')}~sports.{seq:02d}.sports.a{extent}"


def test_enable_persists_the_settings_and_the_broker_archives_full_extents(prod, oe):
    oe.make_db(prod)
    Path(prod.path("arch")).mkdir()
    enabled = oe.ok(prod, "rfutil sports -C aiarchiver enable -aiarcdir arch")
    assert enabled.stdout.endswith(
        f"After-image File Management enabled for database sports; archive directories {prod.root}/arch, "
        "interval on demand. (90170)\n")
    assert "AI Management" in oe.ok(prod, "proutil sports -C describe").stdout
    oe.ok(prod, "proserve sports", env=FAST)
    oe.commit(prod, "sports", 2)
    oe.ok(prod, "rfutil sports -C aimage new")
    target = Path(prod.path("arch")) / _archive_name(prod, 1, 1)
    poll_until(lambda: _states(prod)[0] == "EMPTY", timeout=30, what="extent 1 archived")
    assert target.read_bytes()[:8] == aifile.MAGIC
    oe.refused(prod, "rfutil sports -C aimage extent empty", [13216])
    oe.ok(prod, "proshut sports -by")
    numbers = oe.log_numbers(prod, "sports")
    assert numbers.index(13194) < numbers.index(13231) < numbers.index(13199) < numbers.index(3789)
    log = Path(prod.path("sports.archival.log")).read_text().splitlines()
    assert log[0].startswith("# After-image Extent Manager started on : ")
    assert log[1].startswith("# 0255,")
    fields = log[2].split(",")
    assert fields[0] == "0001" and fields[1] == prod.path("sports") and fields[6] == "1"
    assert fields[7] == prod.path("sports.a1") and fields[8] == str(target)
