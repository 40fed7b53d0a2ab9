"""Secrets never reach the evidence: licence files, password-like values and PEM blocks are redacted."""

from __future__ import annotations

import pytest

from oedr.harness.evidence.redact import LICENCE_OUTPUT, MARK, redact_argv, redact_command, redact_text, redact_value
from tests.evidence.conftest import RunSample

pytest_plugins = ["pytester"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter2 and more", f"password={MARK} and more"),
        ("DB_PASSWD: s3cret", f"DB_PASSWD: {MARK}"),
        ('{"api_key": "abc123"}', f'{{"api_key": "{MARK}"}}'),
        ("token='xyz' user=dba", f"token='{MARK}' user=dba"),
        ('with the password "hunter2"', f'with the password "{MARK}"'),
        ("Control Code: XK3J-99PQ", f"Control Code: {MARK}"),
        ("Backup Counter : 3", "Backup Counter : 3"),
        ("tokens: 5", "tokens: 5"),
        ("key=abc", f"key={MARK}"),
        ("X-Api-Key: abc123", f"X-Api-Key: {MARK}"),
        ("apiKey=abc123", f"apiKey={MARK}"),
        ("secret_key=abc123", f"secret_key={MARK}"),
        ("clientSecret: abc123", f"clientSecret: {MARK}"),
        ("Licence Key: XK3J-99PQ", f"Licence Key: {MARK}"),
        ("Serial Number: 0012345", f"Serial Number: {MARK}"),
        ('the key "abc123"', f'the key "{MARK}"'),
        ("UID=dba;PWD=hunter2", f"UID=dba;PWD={MARK}"),
    ],
)
def test_secret_looking_values_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


# Lines as the emulated utilities print them (rfutil -C aimage scan verbose: messages 12528-12530, after
# the fact sheet's POTEMKIN source), and words that only contain "key": OpenEdge's vocabulary, not secrets.
OPENEDGE_LINES = [
    "Trid: 36 area = 7 dbkey = 1234 update counter = 36 (12529)",
    "Trid: 36 dbkey = 0  update counter = 0 (12530)",
    "Trid: 1 code = RL_TXN version = 1 commit time Tue Dec  1 21:08:39 2026 blocks 1 (12528)",
    "This is aimage file number 1 since the last AIMAGE BEGIN. (1642)",
    "dbkey=1234",
    "monkey=1 hotkey: F1 keys: 3",
]


@pytest.mark.parametrize("line", OPENEDGE_LINES)
def test_openedge_output_passes_unchanged(line: str) -> None:
    assert redact_text(line) == line


def test_a_secret_next_to_openedge_output_is_redacted_and_the_output_kept() -> None:
    text = "\n".join([*OPENEDGE_LINES, "password=hunter2 dbkey = 5"])
    assert redact_text(text) == "\n".join([*OPENEDGE_LINES, f"password={MARK} dbkey = 5"])


def test_record_keys_that_only_contain_key_are_kept() -> None:
    assert redact_value({"dbkey": 1234, "keys": 3, "api_key": "abc"}) == {"dbkey": 1234, "keys": 3, "api_key": MARK}


def test_pem_blocks_lose_their_body() -> None:
    text = "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter"
    assert redact_text(text) == f"before\n-----BEGIN RSA PRIVATE KEY-----\n{MARK}\n-----END RSA PRIVATE KEY-----\nafter"


def test_the_value_after_a_password_flag_is_redacted() -> None:
    assert redact_argv(["proserve", "sports", "-U", "dba", "-P", "hunter2"]) == [
        "proserve",
        "sports",
        "-U",
        "dba",
        "-P",
        MARK,
    ]


def test_the_output_of_a_command_reading_a_licence_file_is_redacted() -> None:
    record = {"argv": ["cat", "/usr/dlc/progress.cfg"], "command": "cat /usr/dlc/progress.cfg", "stdout": "SERIAL 1"}
    assert redact_command(record)["stdout"] == LICENCE_OUTPUT


def test_dict_keys_named_like_secrets_are_redacted() -> None:
    assert redact_value({"licence_key": "X-1", "nested": [{"password": 12}, "ok"]}) == {
        "licence_key": MARK,
        "nested": [{"password": MARK}, "ok"],
    }


def test_no_file_of_a_run_holds_a_secret(run_sample: RunSample) -> None:
    _, out = run_sample()
    secrets = ("hunter2", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "XK3J-99PQ", "0012345")
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{path.name} holds {leaked}"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert LICENCE_OUTPUT in html
    assert f"-P {MARK}" in html
