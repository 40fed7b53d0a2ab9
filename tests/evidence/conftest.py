"""Evidence tests: a small sample DR project is copied into pytester's directory and run there.

The sample (``sample_project/``) is never collected in place: its steps only report to
oedr.harness.evidence.hooks, so the tests do not depend on the emulator or on the real features.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

collect_ignore = ["sample_project"]

SAMPLE = Path(__file__).parent / "sample_project"
RunSample = Callable[..., tuple[pytest.RunResult, Path]]


@pytest.fixture
def sample(pytester: pytest.Pytester) -> Path:
    """The sample project, in pytester's directory (the current directory during the test)."""
    shutil.copytree(SAMPLE, pytester.path, dirs_exist_ok=True)
    return pytester.path


@pytest.fixture
def run_sample(pytester: pytest.Pytester, sample: Path) -> RunSample:
    """Run the sample's scenarios with the evidence plugin into ``out`` (or another directory name)."""

    def run(*args: str, out: str = "out") -> tuple[pytest.RunResult, Path]:
        target = sample / out
        result = pytester.runpytest_subprocess(
            "-p",
            "oedr.harness.evidence.plugin",
            "--oedr-out",
            str(target),
            "--junitxml",
            str(target / "junit.xml"),
            "-p",
            "no:cacheprovider",
            *args,
        )
        return result, target

    return run


StandardRun = tuple[Path, str]


@pytest.fixture(scope="session")
def standard_run(tmp_path_factory: pytest.TempPathFactory) -> StandardRun:
    """A real procedure of the standard plan run by ``oedr run`` (its evidence directory and console output):
    restore_os_copy.feature, with a Scenario Outline of two rows and an @emulator_only scenario."""
    from tests.evidence import realplan

    plan = realplan.scaffold(tmp_path_factory.mktemp("standard") / "plan")
    done = realplan.oedr(plan, "run", "features/procedures/restore_os_copy.feature", "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    return plan / "out", done.stdout
