"""Keep secrets out of the evidence: redact transcripts before they are recorded.

What is redacted, everywhere a recorded text can carry it (argv, command line, stdout, stderr, error
messages, tracebacks, environment values):
- PEM blocks (``-----BEGIN ... PRIVATE KEY-----`` ... ``-----END ...-----``): the body goes.
- ``name=value`` / ``name: value`` / ``"name": "value"`` / ``name "value"`` (as a step says it) where the
  name looks like a secret (password, passwd, pwd, secret, token, key, api key, credential,
  licence/license key, control code, serial number).
- The value after a password-like flag in an argv (``-P`` is OpenEdge's client password parameter,
  and ``--password``, ``-password``, ``--token``, ``--secret``, ``--key``).
- The whole output of a command that reads a licence file (``progress.cfg``, ``*.lic``, ``licen[cs]e*``),
  since a licence file's content is the secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MARK = "[REDACTED]"
LICENCE_OUTPUT = "[REDACTED: output of a command that reads a licence file]"

_SECRET_NAME = (
    r"(?:[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key"
    r"|credentials?|licen[cs]e[_-]?key|control[ _-]?code|serial[ _-]?number|key))"
)
_ASSIGNMENT = re.compile(
    rf"""(?P<name>["']?\b{_SECRET_NAME}["']?)(?P<sep>\s*[=:]\s*)(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,;&"']+)""",
    re.IGNORECASE,
)
_SPOKEN = re.compile(
    rf"""(?P<name>\b{_SECRET_NAME})(?P<sep>\s+(?:is\s+|of\s+)?)(?P<value>"[^"\n]*"|'[^'\n]*')""", re.IGNORECASE
)
_PEM = re.compile(
    r"(?P<begin>-----BEGIN (?P<label>[A-Z0-9 ]+)-----)(?P<body>.*?)(?P<end>-----END (?P=label)-----)",
    re.DOTALL,
)
_SECRET_FLAGS = frozenset({"-P", "--password", "-password", "--passwd", "--token", "--secret", "--key", "-key"})
_LICENCE_FILE = re.compile(r"(?:^|[/\\])(?:progress\.cfg|[^/\\\s]*\.lic|licen[cs]e[^/\\\s]*)$", re.IGNORECASE)


def _quoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return f"{value[0]}{MARK}{value[0]}"
    return MARK


def redact_text(text: str) -> str:
    """Return ``text`` with PEM bodies and secret-looking assignments replaced by ``[REDACTED]``."""
    if not text:
        return text
    text = _PEM.sub(lambda m: f"{m['begin']}\n{MARK}\n{m['end']}", text)
    text = _ASSIGNMENT.sub(lambda m: f"{m['name']}{m['sep']}{_quoted(m['value'])}", text)
    return _SPOKEN.sub(lambda m: f"{m['name']}{m['sep']}{_quoted(m['value'])}", text)


def redact_argv(argv: Iterable[str]) -> list[str]:
    """Redact an argument vector: values after password-like flags, and secret assignments in any word."""
    out: list[str] = []
    hide_next = False
    for word in argv:
        out.append(MARK if hide_next else redact_text(word))
        hide_next = word in _SECRET_FLAGS
    return out


def reads_licence_file(argv: Iterable[str]) -> bool:
    """True when a command names a licence file (its output is then the licence itself)."""
    return any(_LICENCE_FILE.search(word) for word in argv)


def redact_command(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a command record (see hooks.py) that is safe to keep in evidence."""
    safe = redact_dict(record)
    argv = [str(a) for a in record.get("argv") or []]
    safe["argv"] = redact_argv(argv)
    command = str(record.get("command") or "")
    if argv and command == " ".join(argv):
        safe["command"] = " ".join(safe["argv"])
    if reads_licence_file(argv) or reads_licence_file(command.split()):
        safe["stdout"] = LICENCE_OUTPUT if record.get("stdout") else record.get("stdout", "")
    return safe


def redact_dict(record: dict[str, Any]) -> dict[str, Any]:
    """A redacted copy of a JSON-able dict."""
    return {key: _redact_item(str(key), item) for key, item in record.items()}


def redact_value(value: Any) -> Any:
    """Redact every string inside a JSON-able value (dicts, lists, strings); other values are kept."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: _redact_item(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_value(item) for item in value]
    return value


def _redact_item(key: str, item: Any) -> Any:
    if isinstance(item, str | int | float) and re.fullmatch(_SECRET_NAME, key, re.IGNORECASE):
        return MARK
    return redact_value(item)
