"""The emulator image is named by what it is built from: the same source reuses it, a change to what the
build copies rebuilds it, anything else (docs, tests, the README) does not; and a session asks once."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from oedr.harness.backends import images

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of what the build copies, plus files it does not."""
    for entry in ("harness", "pyproject.toml", "docker", ".dockerignore", "README.md"):
        source = ROOT / entry
        if source.is_dir():
            shutil.copytree(source, tmp_path / entry, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / entry)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("x = 1\n")
    return tmp_path


def test_the_same_source_gives_the_same_tag(checkout: Path) -> None:
    assert images.source_hash(checkout, "sha256:base") == images.source_hash(checkout, "sha256:base")


@pytest.mark.parametrize("changed", ["harness/openedge/messages.py", "docker/Dockerfile"])
def test_a_change_to_what_the_build_copies_changes_the_tag(checkout: Path, changed: str) -> None:
    before = images.source_hash(checkout, "sha256:base")
    with (checkout / changed).open("a") as out:
        out.write("\n# changed\n")
    assert images.source_hash(checkout, "sha256:base") != before


@pytest.mark.parametrize("changed", ["README.md", "tests/test_x.py", "docker/README.md", "pyproject.toml"])
def test_a_change_elsewhere_keeps_the_tag(checkout: Path, changed: str) -> None:
    before = images.source_hash(checkout, "sha256:base")
    with (checkout / changed).open("a") as out:
        out.write("\nchanged\n")
    assert images.source_hash(checkout, "sha256:base") == before


def test_another_base_image_changes_the_tag(checkout: Path) -> None:
    assert images.source_hash(checkout, "sha256:one") != images.source_hash(checkout, "sha256:two")


class _NoEngine:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the session asked the engine again ({name})")


@pytest.fixture
def session_image() -> Iterator[None]:
    saved = images._session_image
    try:
        yield
    finally:
        images._session_image = saved


def test_a_session_resolves_the_image_once(session_image: None) -> None:
    images._session_image = "oedr-emulator:src-0123456789abcdef"
    assert images.emulator_image(_NoEngine()) == "oedr-emulator:src-0123456789abcdef"  # type: ignore[arg-type]
