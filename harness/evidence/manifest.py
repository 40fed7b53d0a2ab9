"""SHA256SUMS over every file of a run, and its check (``oedr verify DIR``).

Every file but three: the manifest itself, its signature (signing.py) and report.html, which shows the
manifest's digest and is checked instead by rendering it again from results.json (outputs.check_report).

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
SIGNATURE = "SHA256SUMS.sig"  # signing.py: an Ed25519 signature over the manifest's bytes
# The report shows the manifest's digest, so it cannot be listed in it (the digest would depend on itself):
# it is written last, from results.json (which is listed), and checked by rendering it again (outputs.py).
RENDERED = "report.html"
_NOT_LISTED = frozenset({MANIFEST, SIGNATURE, RENDERED})


class ManifestDamaged(ValueError):
    """SHA256SUMS is not a manifest oedr wrote (binary, or lines that are not ``<hex>  <path>``)."""


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
    """Every regular file under ``directory`` except the manifest and its signature, as sorted POSIX paths."""
    paths = (p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file())
    return sorted(rel for rel in paths if rel not in _NOT_LISTED)


def write_manifest(directory: Path) -> Path:
    """Write ``directory/SHA256SUMS`` over every other file there; return its path."""
    lines = [f"{file_digest(directory / rel)}  {rel}\n" for rel in run_files(directory)]
    target = directory / MANIFEST
    target.write_text("".join(lines), encoding="utf-8")
    return target


def read_manifest(directory: Path) -> dict[str, str]:
    """The manifest's entries: relative path -> hex digest. Raises FileNotFoundError when there is none."""
    entries: dict[str, str] = {}
    try:
        text = (directory / MANIFEST).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ManifestDamaged(f"{directory / MANIFEST} is not text: it was replaced or damaged") from None
    for number, line in enumerate(text.splitlines(), 1):
        digest, sep, rel = line.partition("  ")
        if not sep or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ManifestDamaged(
                f"{directory / MANIFEST} line {number} is not '<sha256>  <path>': the manifest was edited or damaged"
            )
        entries[rel.lstrip("*")] = digest
    return entries


def verify(directory: Path) -> Verification:
    """Compare every file under ``directory`` with its manifest."""
    listed = read_manifest(directory)
    present = set(run_files(directory))
    changed = [rel for rel in sorted(listed) if rel in present and file_digest(directory / rel) != listed[rel]]
    missing = [rel for rel in sorted(listed) if rel not in present]
    unlisted = sorted(present - set(listed))
    return Verification(changed=changed, missing=missing, unlisted=unlisted)
