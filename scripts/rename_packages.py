#!/usr/bin/env python3
"""Install oedr's code under the ``oedr`` package: ``harness`` becomes ``oedr.harness``, ``steps`` ``oedr.steps``.

A wheel must not install top-level packages named ``harness`` or ``steps`` (other projects use those names).
The repository keeps its layout (``features/ steps/ harness/ docker/`` at the top): ``oedr/`` holds links to
them (``oedr/harness -> ../harness``, ``oedr/steps -> ../steps``, as ``oedr/features`` and ``oedr/docker``
already are), so the same files are the modules ``oedr.harness.*`` and ``oedr.steps.*`` in an editable
install, in a wheel (setuptools follows the links and copies the files), for mypy and in the image.

What it does, over every file git tracks (text files only):
* ``harness.<module>`` / ``steps.<module>`` -> ``oedr.harness.<module>`` / ``oedr.steps.<module>``, where
  ``<module>`` is one of the package's own modules or subpackages (so ``self.steps.append`` or prose is left
  alone), in imports, strings (``-p harness.evidence.plugin``, ``python3 -m harness.openedge.cli``, entry
  points, ``mock.patch`` targets) and docs alike;
* ``import harness`` -> ``from oedr import harness``; ``from harness import`` -> ``from oedr.harness import``
  (and the same for ``steps``);
* pyproject.toml: packages ``oedr`` and ``oedr.*`` only, mypy checks ``oedr/harness`` and ``oedr/steps`` and
  the steps' override names ``oedr.steps``; the Dockerfile copies ``harness`` to ``/opt/oedr/src/oedr/harness``;
* then ``ruff check --select I --fix`` re-sorts the imports it moved.

It rewrites only files git tracks: commit (or ``git add``) everything first. It is idempotent: a second run
changes nothing. It exits 1, naming them, when an exact edit above finds its line in neither form (a merge
changed it): make those by hand. Afterwards reinstall (``make .venv/.installed``: pyproject.toml changed), then
``make lint`` (a line that grew by the five characters of ``oedr.`` past 120 is wrapped by hand) and the tests.

    python3 scripts/rename_packages.py [ROOT]     # ROOT defaults to this checkout
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGES = ("harness", "steps")
SELF = Path(__file__).resolve()
# Exact edits of files whose text names directories or package lists rather than modules.
EDITS: dict[str, list[tuple[str, str]]] = {
    "pyproject.toml": [
        ('include = ["harness*", "steps*", "oedr"]', 'include = ["oedr", "oedr.*"]'),
        ('files = ["harness", "steps"]', 'files = ["oedr/harness", "oedr/steps"]'),
        ('module = ["steps", "steps.*"]', 'module = ["oedr.steps", "oedr.steps.*"]'),
    ],
    "docker/Dockerfile": [("/opt/oedr/src/harness", "/opt/oedr/src/oedr/harness")],
}
SKIP_SUFFIXES = {".png", ".jpg", ".gif", ".pdf", ".whl", ".gz", ".zip", ".pyc"}


def children(root: Path, package: str) -> list[str]:
    """The names of a package's own modules and subpackages."""
    names = {p.stem for p in (root / package).glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in (root / package).iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return sorted(names, key=len, reverse=True)


def rules(root: Path) -> list[tuple[re.Pattern[str], str]]:
    out = []
    for package in PACKAGES:
        names = "|".join(re.escape(n) for n in children(root, package))
        # not after a letter, digit, '.', '/' or '-': oedr.harness.x, tests/harness/x and my-harness stay
        out.append((re.compile(rf"(?<![\w./-]){package}\.(?=(?:{names})\b)"), f"oedr.{package}."))
        out.append((re.compile(rf"^(\s*)import {package}$", re.M), rf"\1from oedr import {package}"))
        out.append((re.compile(rf"^(\s*)from {package} import ", re.M), rf"\1from oedr.{package} import "))
    return out


def tracked_files(root: Path) -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True).stdout
    files = [root / name for name in listed.decode().split("\0") if name]
    return [
        f
        for f in files
        if f.is_file()
        and not f.is_symlink()
        and f.resolve() != SELF
        and f.suffix not in SKIP_SUFFIXES
        and f.name != "constraints.txt"
    ]


def link_packages(root: Path) -> list[str]:
    done = []
    for package in PACKAGES:
        link = root / "oedr" / package
        if not link.is_symlink():
            link.symlink_to(Path("..") / package, target_is_directory=True)
            done.append(f"oedr/{package} -> ../{package}")
    return done


def unmatched_edits(root: Path) -> list[str]:
    """The exact edits whose text is in neither form (a merge changed that line): to be made by hand."""
    missing = []
    for rel, pairs in EDITS.items():
        text = (root / rel).read_text(encoding="utf-8")
        missing += [f"{rel}: {old!r} -> {new!r}" for old, new in pairs if old not in text and new not in text]
    return missing


def rewrite(root: Path) -> list[str]:
    changed = []
    compiled = rules(root)
    for path in tracked_files(root):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        new = text
        for pattern, replacement in compiled:
            new = pattern.sub(replacement, new)
        for old, replacement in EDITS.get(path.relative_to(root).as_posix(), []):
            new = new.replace(old, replacement)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(str(path.relative_to(root)))
    return changed


def sort_imports(root: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        print("ruff not found: run `ruff check --select I --fix .` to re-sort the moved imports")
        return
    subprocess.run([ruff, "check", "--select", "I", "--fix", "--quiet", "."], cwd=root, check=False)


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else SELF.parent.parent
    if not (root / "oedr" / "__init__.py").is_file():
        print(f"{root} is not an oedr checkout (no oedr/__init__.py)", file=sys.stderr)
        return 2
    missing = unmatched_edits(root)
    links = link_packages(root)
    changed = rewrite(root)
    sort_imports(root)
    print(f"linked: {', '.join(links) or 'nothing (already linked)'}")
    print(f"rewrote {len(changed)} files" + (":\n  " + "\n  ".join(changed) if changed else " (already renamed)"))
    if missing:
        print("NOT FOUND, make these edits by hand:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
