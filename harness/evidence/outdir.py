"""The results directory of ``oedr run --out DIR``: one run's evidence, never two runs' mixed.

An empty or absent DIR is used as it is. A DIR holding an earlier oedr run (nothing in it but the files a
run writes) is emptied first, so that the new run replaces the old one as a whole: no old Allure file is
hashed into the new manifest, no old results.json survives a run that failed to start. Any other non-empty
DIR is refused and left untouched: it may hold someone's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from oedr.harness.evidence import manifest, outputs
from oedr.harness.evidence import results as res
from oedr.harness.evidence.progress import PROGRESS_FILE

LOG_FILE = "pytest.log"
ALLURE_DIR = "allure-results"
# Everything an oedr run writes at the top of its directory (and the temporary names of atomic writes).
RUN_NAMES = frozenset(
    {res.RESULTS_FILE, res.PARTS_DIR, PROGRESS_FILE, LOG_FILE, ALLURE_DIR, *outputs.OUTPUT_FILES, manifest.SIGNATURE}
)
# What marks a directory as an oedr run's (any one of them).
_MARKS = frozenset({res.RESULTS_FILE, res.PARTS_DIR, manifest.MANIFEST, LOG_FILE})


class OutDirProblem(Exception):
    """The directory cannot hold the run's evidence; the message says why and what to do."""


def is_run_directory(directory: Path) -> bool:
    """True when every entry of the directory is one an oedr run writes, and one of them marks a run."""
    names = {entry.name.removesuffix(".tmp") for entry in directory.iterdir()}
    return bool(names & _MARKS) and names <= RUN_NAMES


def prepare(out: Path) -> None:
    """Make ``out`` an empty directory for a new run, or refuse (OutDirProblem) without changing anything."""
    try:
        if out.exists() and not out.is_dir():
            raise OutDirProblem(f"--out {out} is a file, not a directory: name a directory for the evidence")
        if out.is_dir() and any(out.iterdir()):
            if not is_run_directory(out):
                raise OutDirProblem(
                    f"--out {out} is not empty and does not hold an oedr run: name a new or empty "
                    "directory (oedr replaces only an earlier run's evidence)"
                )
            for entry in out.iterdir():
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
        out.mkdir(parents=True, exist_ok=True)
        probe = out / (PROGRESS_FILE + ".tmp")
        probe.write_bytes(b"")  # a directory that cannot take a file (/proc, read-only) is refused here
        probe.unlink()
    except OSError as exc:
        raise OutDirProblem(
            f"--out {out} cannot hold the evidence: {exc.strerror or exc} (name a directory you can write)"
        ) from None
