"""oedr as a site installs it: a wheel built here, installed into a fresh virtual environment, gives a working
``oedr init`` and ``oedr run``, carries the standard features, the image sources and the ABL procedures, and
installs no top-level ``harness`` or ``steps`` package.

The wheel is built from a copy of this checkout after ``scripts/rename_packages.py`` (a no-op once the tree is
renamed), offline: no build isolation, and the fresh environment reaches the already-installed dependencies
through a ``.pth`` file instead of a package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_LEFT_OUT = shutil.ignore_patterns(
    ".venv",
    ".git",
    "__pycache__",
    "*.egg-info",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "oedr-results",
    "build",
    "dist",
)

pytestmark = pytest.mark.slow


def _run(argv: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of this checkout, renamed as it is to be installed."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=_LEFT_OUT)
    _run(["git", "init", "-q"], source)
    _run(["git", "add", "-A"], source)  # the rename script rewrites the files git tracks
    _run([sys.executable, "scripts/rename_packages.py", source], source)
    again = _run([sys.executable, "scripts/rename_packages.py", source], source)
    assert "rewrote 0 files (already renamed)" in again.stdout, "the rename is not idempotent"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            base / "dist",
            source,
        ],
        source,
    )
    [built] = (base / "dist").glob("oedr-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path) -> Path:
    """A fresh virtual environment with the wheel installed; its dependencies are this environment's."""
    target = wheel.parent / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", target], wheel.parent)
    query = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run(
        [target / "bin" / "python", "-c", query], capture_output=True, text=True, check=True
    ).stdout.strip()
    # every site-packages this interpreter sees (a .pth file's own .pth files are not read: list them all)
    here = [p for p in sys.path if p.endswith("site-packages")] or [sysconfig.get_paths()["purelib"]]
    Path(purelib, "oedr-dependencies.pth").write_text("\n".join(here) + "\n", encoding="utf-8")
    _run([target / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel], wheel.parent)
    return target


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "OEDR_")) and k != "PYTHONPATH"}
    return {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"}


def test_the_wheel_carries_features_image_sources_and_abl_under_oedr_only(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"oedr"}, f"top-level names other than oedr: {tops}"
    for needed in (
        "oedr/features/procedures/restore_os_copy.feature",
        "oedr/features/test_features.py",
        "oedr/docker/Dockerfile",
        "oedr/harness/backends/abl/commit.p",
        "oedr/steps/host_steps.py",
    ):
        assert needed in names
    meta = zipfile.ZipFile(wheel)
    info = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in meta.read(info).decode().splitlines() if line.startswith("Requires-Dist: pytest")]
    assert requires
    assert all("~=" in line for line in requires if "extra ==" not in line), requires
    entry_points = meta.read(next(n for n in names if n.endswith(".dist-info/entry_points.txt"))).decode()
    assert "[pytest11]\noedr = oedr.harness.pytest_plugin" in entry_points


def test_the_installed_tool_scaffolds_and_proves_a_plan(venv: Path, tmp_path: Path) -> None:
    env = _env(venv)
    version = _run([venv / "bin" / "oedr", "--version"], tmp_path, env)
    assert version.stdout.strip() == "oedr 0.1.0"
    where = _run([venv / "bin" / "python", "-c", "import oedr.harness; print(oedr.harness.__file__)"], tmp_path, env)
    assert where.stdout.startswith(str(venv)), "oedr must be imported from the installed wheel"
    _run([venv / "bin" / "oedr", "init", "site"], tmp_path, env)
    site = tmp_path / "site"
    assert (site / "features" / "procedures" / "restore_os_copy.feature").exists()
    run = _run(
        [
            venv / "bin" / "oedr",
            "run",
            "features/procedures/restore_os_copy.feature",
            "--tags",
            "not retry and not replication",
            "--out",
            "evidence",
        ],
        site,
        env,
    )
    assert "PROVEN" in run.stdout, run.stdout
    assert (site / "evidence" / "report.html").exists()
    assert "the documented restore, file by file" in (site / "evidence" / "results.json").read_text()


@pytest.mark.docker
def test_the_installed_tool_builds_its_image_and_runs_on_docker(venv: Path, tmp_path: Path) -> None:
    env = {**_env(venv), "TESTCONTAINERS_RYUK_DISABLED": "true"}
    _run([venv / "bin" / "oedr", "init", "site"], tmp_path, env)
    run = _run(
        [
            venv / "bin" / "oedr",
            "run",
            "features/procedures/restore_os_copy.feature",
            "--tags",
            "not retry and not replication",
            "--backend",
            "docker",
            "--out",
            "evidence",
        ],
        tmp_path / "site",
        env,
    )
    assert "PROVEN" in run.stdout, run.stdout
