"""The report in a real headless browser (Debian's chromium): it renders, and the timeline is visible.

Skipped with a reason when chromium is not installed (CI installs Debian's ``chromium`` package).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from harness.evidence.timeline import KIND_COLOURS
from tests.evidence.conftest import RunSample
from tests.evidence.pngpixels import colour_box, read_png

pytest_plugins = ["pytester"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)")
WIDTH, HEIGHT = 1280, 2000


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_browser_parses_the_report_with_its_timelines(run_sample: RunSample, tmp_path: Path) -> None:
    _, out = run_sample()
    done = chromium(tmp_path, "--dump-dom", (out / "report.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "<title>oedr DR evidence — FAILED" in dom
    timelines = re.findall(r'<svg class="timeline".*?</svg>', dom, re.DOTALL)
    assert len(timelines) == 2, "the two roll-forward scenarios have a timeline (the others change no state)"
    assert all(re.search(r'width="\d{3,}" height="\d{3,}"', svg) for svg in timelines)
    assert '<g class="event ai-switch">' in dom
    assert '<g class="event refused failure">' in dom


def test_the_screenshot_shows_the_timeline(run_sample: RunSample, tmp_path: Path) -> None:
    _, out = run_sample()
    shot = tmp_path / "report.png"
    done = chromium(tmp_path, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", (out / "report.html").as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.exists(), done.stderr[-2000:]
    image = read_png(shot)
    assert (image.width, image.height) == (WIDTH, HEIGHT)
    boxes = {}
    for kind in ("backup", "ai-switch", "copy", "roll-forward"):
        count, box = colour_box(image, _hex(KIND_COLOURS[kind]))
        assert count > 150, f"the {kind} marks ({KIND_COLOURS[kind]}) are not visible: {count} pixels"
        boxes[kind] = box
    x0 = min(b[0] for b in boxes.values())
    x1 = max(b[2] for b in boxes.values())
    y1 = max(b[3] for b in boxes.values())
    assert x1 - x0 > 300, f"the timeline's marks are squeezed into {x1 - x0} px"
    assert y1 < HEIGHT, "the timeline is below the first screen"
