"""``oedr init SITE_DIR``: scaffold a site's own DR plan from the standard one.

Writes into SITE_DIR: the site's structure file (theirs, with absolute extent paths made relative, or a
template to replace), a feature per standard procedure that creates the database from that file under the
site's name and names the site's own extent files, the binder module, the pytest configuration (oedr's pytest
plugin, an entry point, brings the step library and backends; the plan's conftest loads the evidence recorder),
and a README saying how to run the plan and read its evidence.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from oedr import harness
from oedr.harness.dba import structure
from oedr.harness.dba.structure import SCHEMA_AREA, Structure
from oedr.harness.evidence import targets

STANDARD_DB = "sports"
# The standard database's own sentence (steps/host_steps.py), in any of its forms.
_STANDARD_DATABASE = re.compile(
    rf'^(?P<head>\s*(?:Given|And|But|\*)\s+on \w+) a database "{STANDARD_DB}" with (?:\d+ data areas and )?\d+ '
    r"(?:fixed|variable) AI extents\s*$",
    re.M,
)
# The database's name wherever a feature uses it: "sports", sports.st, sports_7.d1, archive/sports.2.sports.a2.
_STANDARD_NAME = re.compile(rf"(?<![\w-]){STANDARD_DB}(?:_\d+\.d\d+|\.[abdt]\d+)?(?![\w-])")
_SECOND_DATABASE = re.compile(r'a database "(\w+)" with')
_DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# oedr's own bound on --db (the reference gives none): a name that every extent file name derived from it
# (name_7.d12, name.a255) keeps far below any file system's 255-byte limit.
MAX_DB_NAME = 32
MAX_ST_BYTES = 1 << 20  # a structure file is a few lines; a megabyte is not one
_EXTENT_FILE = re.compile(r"\.[abdt]\d+$")


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
    aiarcdir: str | None = None  # the site's -aiarcdir: it uses AI File Management, so its plan does too


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


def _structure(st_text: str, source: str) -> Structure:
    try:
        return structure.read(st_text, source)
    except structure.StructureError as exc:
        raise ScaffoldError(f"{source} is not a valid structure file: {exc}") from None


def ai_layout(st_text: str, source: str) -> list[str]:
    """The AI extent lines of a structure file (validated with the emulator's .st parser)."""
    structure = _structure(st_text, source)
    return [f"{e.path} {'fixed ' + str(e.size_kb) + ' KB' if e.fixed else 'variable'}" for e in structure.of_kind("a")]


def site_structure(st_text: str, source: str) -> str:
    """The site's .st with every absolute extent path made relative: each host of the plan is a directory.

    Areas, extents, sizes and the AI layout stay as the site wrote them; ``/db/prod/orders.d1`` becomes
    ``./orders.d1`` and a directory (``/db/prod``) becomes ``.``, where OpenEdge names the files itself.
    """

    def local(path: str) -> str | None:
        if not path.startswith("/"):
            return None
        name = PurePosixPath(path).name
        return f"./{name}" if _EXTENT_FILE.search(name) else "."

    _structure(st_text, source)  # refuse a file that is not a .st with the scaffold's own message
    text, changed = structure.rewrite_paths(st_text, source, local)
    if changed:
        text = (
            f"# From {source}, with each absolute extent path made relative to the host's directory (every\n"
            "# host of the plan is a directory). Areas, extents, sizes and AI extents are the site's own.\n" + text
        )
    return text


def extent_names(st_text: str, db: str) -> dict[str, str]:
    """The standard features' extent file names mapped to the site's own (``sports_7.d1`` -> its first data extent).

    The standard database has a schema area, one data area (7) and N AI extents; a feature that names one
    of their files (a copy leaving out ``sports_7.d1``, a roll forward of ``sports.a4``) names the site's
    counterpart instead: the same kind, the same place in the first data area, the same AI extent number.
    """
    extents = structure.resolve(_structure(st_text, f"{db}.st"), db, Path("/site"))
    names: dict[str, str] = {}
    data_areas = [e.area for e in extents if e.kind == "d" and e.area != SCHEMA_AREA]
    for extent in extents:
        name = PurePosixPath(extent.path).name
        if extent.kind == "d" and extent.area == SCHEMA_AREA:
            names[f"{STANDARD_DB}.d{extent.number}"] = name
        elif extent.kind == "d" and extent.area == data_areas[0]:
            names[f"{STANDARD_DB}_7.d{extent.number}"] = name
        elif extent.kind in ("a", "b"):
            names[f"{STANDARD_DB}.{extent.kind}{extent.number}"] = name
    return names


def adapt_feature(text: str, db: str, st_path: str, names: dict[str, str], origin: str) -> str:
    """A standard feature made the site's: their database, created from their .st, with their file names.

    Only the standard database becomes theirs: a feature's second database ("other", "sales") keeps the
    layout its scenario needs.
    """
    for other in sorted(set(_SECOND_DATABASE.findall(text)) - {STANDARD_DB}):
        if other == db:  # the site's name is taken by a scenario's second database: that one gives way
            text = re.sub(rf"(?<![\w-]){other}(?![\w-])", f"{other}2", text)
    text = _STANDARD_DATABASE.sub(f'\\g<head> a database "{STANDARD_DB}" with the structure in "{st_path}"', text)

    def rename(match: re.Match[str]) -> str:
        file = match.group(0)
        return names.get(file) or db + file[len(STANDARD_DB) :]

    text = _STANDARD_NAME.sub(rename, text)
    header = f"# Copied from oedr's standard procedure {origin} on {date.today()}: edit it to match your runbook.\n"
    return header + text


ARCHIVER_FEATURE = "ai_file_management.feature"
_STANDARD_ARCHIVE_DIR = re.compile(r'(?<=-aiarcdir )arch\b|(?<=archive directory ")arch(?=")|(?<=from ")arch(?=")')


def adapt_archiver(text: str, plan: SitePlan) -> str:
    """The archiver procedure with the site's own archive directory."""
    return _STANDARD_ARCHIVE_DIR.sub(plan.aiarcdir or "arch", text)


def check_archiver(plan: SitePlan, layout: list[str]) -> None:
    """The archiver needs a relative directory (each host is a directory) and two AI extents to switch between."""
    if plan.aiarcdir is None:
        return
    if not re.fullmatch(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*", plan.aiarcdir) or plan.aiarcdir.startswith(".."):
        raise ScaffoldError(
            f"--aiarcdir {plan.aiarcdir!r}: give one directory relative to the database's, as "
            "every host of the plan is a directory (e.g. aiarch)"
        )
    if len(layout) < 2:
        raise ScaffoldError(
            f"AI File Management needs at least two AI extents to switch between; your .st has {len(layout)}"
        )


# The plan's pytest configuration. The standard tags are registered by oedr's pytest plugin
# (harness/pytest_plugin.py); a site lists its own tags under markers, one per line ("name: what it means").
PYTEST_INI = """[pytest]
addopts = --strict-markers --strict-config -p no:cacheprovider
testpaths = features
bdd_features_base_dir = features/
markers =
"""
# The step library comes from oedr's pytest plugin (an entry point); a plan's conftest adds only the evidence.
CONFTEST = '''"""pytest configuration of this DR plan: oedr's evidence recorder.

oedr's step library, its ``site`` fixture and the backend options come from oedr's pytest plugin, loaded
wherever oedr is installed. Set OEDR_EVIDENCE=0 to run without recording evidence.
"""

import os

pytest_plugins = ["oedr.harness.evidence.plugin"] if os.environ.get("OEDR_EVIDENCE", "1") != "0" else []
'''


def _readme(plan: SitePlan, layout: list[str], procedures: list[str]) -> str:
    ai = "\n".join(f"- `{line}`" for line in layout) or "- (no AI extents: after-imaging cannot be proven)"
    procs = "\n".join(f"- `features/procedures/{name}`" for name in procedures)
    return f"""# DR plan for `{plan.db}`

Scaffolded by `oedr init` ({harness.__version__}) on {date.today()}. Each feature is one procedure of your
runbook, in your DBA's words; edit them until they say exactly what your site does.

## Your structure and AI extents
`{plan.db}.st` is the structure the plan uses: every procedure creates `{plan.db}` on production from it
(`on production a database "{plan.db}" with the structure in "../../{plan.db}.st"`). Its after-image extents:

{ai}

Each host of the plan is a directory, so the extent paths in `{plan.db}.st` are relative to it. The
scenarios that name one of your files (an extent left out of a copy, an EMPTY AI extent rolled forward)
name your own: the first extent of your first data area, your AI extent of that number. They were written
for at least four AI extents; with fewer, edit those scenarios. A scenario's second database ("other",
"sales") keeps the small layout that scenario needs.

## Procedures
{procs}

## Run it
    oedr list                        # the procedures and scenarios, with their tags
    oedr run                         # on the emulator (local backend), evidence in oedr-results/
    oedr run --backend docker        # the emulator in one container per host
    oedr run --backend openedge --oe-image your/openedge:12.8 --oe-licence /secure/progress.cfg
    oedr run --tags "@offline and not @negative" -n 2  # a subset, on two workers

`oedr run` exits 0 when every procedure is PROVEN, 1 when one FAILED, 2 when it could not run (ERROR or
NOT RUN: the message says why), 3 when the run did not finish (INCOMPLETE). Open `oedr-results/report.html`
for the evidence; record the manifest digest `oedr run` prints with the change, and `oedr verify
oedr-results --digest HEX` checks later that no file of it changed since the run (`oedr keygen` and
`--sign` add a signature).
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
        raise ScaffoldError(
            f"no standard procedures under {root / 'features/procedures'}: "
            "reinstall oedr: its wheel carries them as package data"
        )
    if not _DB_NAME.match(plan.db) or len(plan.db) > MAX_DB_NAME:
        shown = plan.db if len(plan.db) <= MAX_DB_NAME else plan.db[:MAX_DB_NAME] + "…"
        raise ScaffoldError(
            f"--db {shown!r} is not a database name: use 1 to {MAX_DB_NAME} letters, digits and _, "
            "starting with a letter (the name of your database without .db)"
        )
    _target_files(plan)
    if plan.st_file is not None and not plan.st_file.is_file():
        raise ScaffoldError(f"{plan.st_file} does not exist: pass the .st of your production database")
    if plan.st_file is not None:
        st_text = site_structure(_read_st(plan.st_file), str(plan.st_file))
    else:
        st_text = template_st(plan.db, plan.ai_extents or 4)
    layout = ai_layout(st_text, f"{plan.db}.st")
    check_archiver(plan, layout)
    # The archiver procedure is the plan of a site that runs the after-image manager (-aiarcdir); the others
    # archive AI extents by hand and get the procedures that do so.
    standard = [f for f in standard if f.name != ARCHIVER_FEATURE or plan.aiarcdir is not None]
    names = extent_names(st_text, plan.db)
    files: dict[str, str] = {f"{plan.db}.st": st_text}
    for feature in standard:
        rel = f"features/procedures/{feature.name}"
        st_path = os.path.relpath(f"{plan.db}.st", os.path.dirname(rel))  # named relative to the feature file
        text = feature.read_text(encoding="utf-8")
        if feature.name == ARCHIVER_FEATURE:
            text = adapt_archiver(text, plan)
        files[rel] = adapt_feature(text, plan.db, st_path, names, feature.name)
    for name in ("test_features.py", "conftest.py"):
        if (root / "features" / name).is_file():
            files[f"features/{name}"] = (root / "features" / name).read_text(encoding="utf-8")
    files["conftest.py"] = f"# Written by `oedr init` ({harness.__version__}).\n{CONFTEST}"
    files["pytest.ini"] = PYTEST_INI
    files[targets.PLAN_FILE] = targets.DEFAULT_PLAN  # targets, controls and freshness: the site edits them
    files["README.md"] = _readme(plan, layout, [f.name for f in standard])
    return _write_plan(plan.site_dir, files)


def _read_st(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_ST_BYTES:
            raise ScaffoldError(f"{path} is not a structure file (over {MAX_ST_BYTES} bytes): pass your database's .st")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ScaffoldError(
            f"{path} is not a structure file (not text): pass the .st that `prostrct list` writes"
        ) from None
    except OSError as exc:
        raise ScaffoldError(f"cannot read {path}: {exc.strerror or exc}") from None


def _write_plan(site_dir: Path, files: dict[str, str]) -> list[Path]:
    """Write every file or, when one cannot be written, leave behind nothing this call created."""
    top = None  # the highest directory this call creates (removed as a whole on failure)
    for folder in [site_dir, *site_dir.parents]:
        if folder.exists():
            break
        top = folder
    written: list[Path] = []
    try:
        for rel, text in files.items():
            target = site_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                written.append(target)
            target.write_text(text, encoding="utf-8")
        return [site_dir / rel for rel in files]
    except OSError as exc:
        if top is not None:
            shutil.rmtree(top, ignore_errors=True)
        for path in written:
            path.unlink(missing_ok=True)
        raise ScaffoldError(f"cannot write the plan into {site_dir}: {exc.strerror or exc}") from None
