"""``oedr init SITE_DIR``: scaffold a site's own DR plan from the standard one.

Writes into SITE_DIR: the site's structure file (theirs, copied, or a template to replace), a feature per
standard procedure with the database name and AI extent count made theirs, the binder module, the pytest
configuration (copied from this oedr's own, so the step library, backends and evidence recorder load), and
a README saying how to run the plan and read its evidence.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import harness


class ScaffoldError(Exception):
    """The plan cannot be scaffolded; the message says what to do."""


@dataclass(frozen=True)
class SitePlan:
    """What the site told ``oedr init``."""

    site_dir: Path
    db: str = "sports"
    st_file: Path | None = None
    ai_extents: int | None = None
    force: bool = False


def project_root() -> Path:
    """The oedr source tree this command runs from (the standard features live there)."""
    return Path(harness.__file__).resolve().parent.parent


def template_st(db: str, ai_extents: int) -> str:
    """A structure file to start from: BI, schema, data and index areas, and fixed AI extents."""
    lines = [
        f"# {db}.st: the structure of {db}. Replace it with your production database's own:",
        f"#   prostrct list {db} {db}.st   (run on production) writes it.",
        f"b ./{db}.b1",
        f'd "Schema Area":6,32;1 ./{db}.d1',
        f'd "Data Area":7,64;8 ./{db}_7.d1 f 10240',
        f'd "Data Area":7,64;8 ./{db}_7.d2',
        f'd "Index Area":8,32;8 ./{db}_8.d1 f 10240',
        f'd "Index Area":8,32;8 ./{db}_8.d2',
    ]
    lines += [f"a ./{db}.a{n} f 10240" for n in range(1, ai_extents + 1)]
    return "\n".join(lines) + "\n"


def ai_layout(st_text: str, source: str) -> list[str]:
    """The AI extent lines of a structure file (validated with the emulator's .st parser)."""
    from harness.openedge.dbfiles.structure import parse
    from harness.openedge.errors import UsageError

    try:
        structure = parse(st_text, source)
    except UsageError as exc:
        raise ScaffoldError(f"{source} is not a valid structure file: {exc}") from None
    return [f"{e.path} {'fixed ' + str(e.size_kb) + ' KB' if e.fixed else 'variable'}" for e in structure.of_kind("a")]


def adapt_feature(text: str, db: str, ai_extents: int, origin: str) -> str:
    """A standard feature made the site's: their database name and their number of AI extents."""
    text = re.sub(r"\bsports\b", db, text)
    text = re.sub(r"\b\d+ fixed AI extents\b", f"{ai_extents} fixed AI extents", text)
    header = f"# Copied from oedr's standard procedure {origin} on {date.today()}: edit it to match your runbook.\n"
    return header + text


def _pytest_ini(root: Path) -> str:
    options = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    lines = ["[pytest]", f"addopts = {options.get('addopts', '')}", "testpaths = features",
             "bdd_features_base_dir = features/", "markers ="]  # fmt: skip
    lines += [f"    {marker}" for marker in options.get("markers", [])]
    return "\n".join(lines) + "\n"


def _readme(plan: SitePlan, layout: list[str], procedures: list[str]) -> str:
    ai = "\n".join(f"- `{line}`" for line in layout) or "- (no AI extents: after-imaging cannot be proven)"
    procs = "\n".join(f"- `features/procedures/{name}`" for name in procedures)
    return f"""# DR plan for `{plan.db}`

Scaffolded by `oedr init` ({harness.__version__}) on {date.today()}. Each feature is one procedure of your
runbook, in your DBA's words; edit them until they say exactly what your site does.

## Your structure and AI extents
`{plan.db}.st` is the structure the plan uses. Its after-image extents:

{ai}

## Procedures
{procs}

## Run it
    oedr list                        # the procedures and scenarios, with their tags
    oedr run                         # on the emulator (local backend), evidence in oedr-results/
    oedr run --backend docker        # the emulator in one container per host
    OEDR_IMAGE=your/openedge:12.8 OEDR_LICENCE=/secure/progress.cfg oedr run --backend openedge
    oedr run --tags "not slow" -n 2  # a subset, on two workers

`oedr run` exits 0 when every procedure is PROVEN, 1 when one FAILED, 2 when it could not run (the message
says why). Open `oedr-results/report.html` for the evidence; `oedr verify oedr-results` checks that no file
of it changed since the run.
"""


def _target_files(plan: SitePlan) -> None:
    site = plan.site_dir
    if site.exists() and any(site.iterdir()) and not plan.force:
        raise ScaffoldError(f"{site} is not empty: choose a new directory, or pass --force to write into it")


def scaffold(plan: SitePlan) -> list[Path]:
    """Write the site's plan; return the files written."""
    root = project_root()
    standard = sorted((root / "features" / "procedures").glob("*.feature"))
    if not standard:
        raise ScaffoldError(f"no standard procedures under {root / 'features/procedures'}: "
                            "install oedr from its source tree (pip install -e .) so they are there")  # fmt: skip
    _target_files(plan)
    if plan.st_file is not None and not plan.st_file.is_file():
        raise ScaffoldError(f"{plan.st_file} does not exist: pass the .st of your production database")
    st_text = plan.st_file.read_text(encoding="utf-8") if plan.st_file else template_st(plan.db, plan.ai_extents or 4)
    layout = ai_layout(st_text, f"{plan.db}.st")
    files: dict[str, str] = {f"{plan.db}.st": st_text}
    for feature in standard:
        text = feature.read_text(encoding="utf-8")
        files[f"features/procedures/{feature.name}"] = adapt_feature(text, plan.db, len(layout), feature.name)
    files["features/test_features.py"] = (root / "features" / "test_features.py").read_text(encoding="utf-8")
    conftest = (root / "conftest.py").read_text(encoding="utf-8")
    files["conftest.py"] = f"# Copied from oedr {harness.__version__}'s conftest.py by `oedr init`.\n{conftest}"
    files["pytest.ini"] = _pytest_ini(root)
    files["README.md"] = _readme(plan, layout, [f.name for f in standard])
    written = []
    for rel, text in files.items():
        target = plan.site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
