"""SHA256SUMS over every file of a run, and its check (``oedr verify DIR``).

The manifest uses the format of GNU ``sha256sum`` (``<hex>  <relative path>``, sorted by path), so an
auditor without oedr can check it too: ``cd DIR && sha256sum -c SHA256SUMS``. It detects any change,
removal or addition of a file after the run. Keep the digest of SHA256SUMS itself (``oedr run`` prints
it) somewhere the run's owner cannot edit, such as the change ticket, to detect a rewritten manifest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "SHA256SUMS"


@dataclass(frozen=True)
class Verification:
    """The outcome of checking a run directory against its manifest."""

    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not (self.changed or self.missing or self.unlisted)

    def lines(self) -> list[str]:
        """One plain line per problem, for the terminal."""
        return (
            [f"CHANGED   {p}" for p in self.changed]
            + [f"MISSING   {p}" for p in self.missing]
            + [f"UNLISTED  {p}" for p in self.unlisted]
        )


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_files(directory: Path) -> list[str]:
    """Every regular file under ``directory`` except the manifest, as sorted POSIX relative paths."""
    return sorted(
        p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST
    )


def write_manifest(directory: Path) -> Path:
    """Write ``directory/SHA256SUMS`` over every other file there; return its path."""
    lines = [f"{file_digest(directory / rel)}  {rel}\n" for rel in run_files(directory)]
    target = directory / MANIFEST
    target.write_text("".join(lines), encoding="utf-8")
    return target


def read_manifest(directory: Path) -> dict[str, str]:
    """The manifest's entries: relative path -> hex digest. Raises FileNotFoundError when there is none."""
    entries: dict[str, str] = {}
    for line in (directory / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, sep, rel = line.partition("  ")
        if sep:
            entries[rel.lstrip("*")] = digest.strip()
    return entries


def verify(directory: Path) -> Verification:
    """Compare every file under ``directory`` with its manifest."""
    listed = read_manifest(directory)
    present = set(run_files(directory))
    changed = [rel for rel in sorted(listed) if rel in present and file_digest(directory / rel) != listed[rel]]
    missing = [rel for rel in sorted(listed) if rel not in present]
    unlisted = sorted(present - set(listed))
    return Verification(changed=changed, missing=missing, unlisted=unlisted)
