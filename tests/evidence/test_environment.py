"""The run's environment: the account it ran as, and what the verdict says it ran on."""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from typing import Any

import pytest

from oedr.harness.evidence import environment
from oedr.harness.evidence.environment import collect, run_subject


def test_the_user_is_the_accounts_when_user_is_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("LOGNAME", raising=False)
    assert collect("local", tmp_path, "now")["user"] == pwd.getpwuid(os.getuid()).pw_name


def test_the_user_is_the_accounts_even_when_user_says_otherwise(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("USER", "somebody-else")
    assert collect("local", tmp_path, "now")["user"] == pwd.getpwuid(os.getuid()).pw_name


def test_a_uid_without_an_account_is_named_by_its_number(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def no_entry(uid: int) -> Any:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(environment.pwd, "getpwuid", no_entry)
    assert collect("local", tmp_path, "now")["user"] == f"uid {os.getuid()}"


EMULATOR = "the oedr OpenEdge-like emulator (not Progress OpenEdge)"


@pytest.mark.parametrize(
    ("env", "subject"),
    [
        ({"backend": "local", "backends_seen": ["local"]}, EMULATOR),
        ({"backend": "local", "backends_seen": []}, EMULATOR),
        (
            {"backend": "docker", "backends_seen": ["docker"], "images": [{"image": "oedr-emulator:1a2b", "id": "x"}]},
            f"{EMULATOR} in Docker containers (image oedr-emulator:1a2b)",
        ),
        (
            {
                "backend": "openedge",
                "backends_seen": ["openedge"],
                "openedge_version": "12.8.4",
                "images": [{"image": "acme/oe:12.8", "id": "sha256:9f", "digest": None}],
            },
            "OpenEdge 12.8.4 (image acme/oe:12.8)",
        ),
        (
            {"backend": "openedge", "backends_seen": ["openedge"], "images": [{"image": "acme/oe:12.8"}]},
            "Progress OpenEdge (release not recorded; image acme/oe:12.8)",
        ),
        ({"backend": "docker", "backends_seen": ["local"]}, EMULATOR),
        ({}, "an environment that was not recorded"),
    ],
)
def test_the_run_subject_says_emulator_or_openedge(env: dict[str, Any], subject: str) -> None:
    assert run_subject(env) == subject
