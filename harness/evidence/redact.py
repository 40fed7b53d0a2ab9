"""Keep secrets out of the evidence: redact transcripts before they are recorded.

What is redacted, everywhere a recorded text can carry it (argv, command line, stdout, stderr, error
messages, tracebacks, environment values):
- PEM blocks (``-----BEGIN ... PRIVATE KEY-----`` ... ``-----END ...-----``): the body goes.
- ``name=value`` / ``name: value`` / ``"name": "value"`` / ``name "value"`` (as a step says it) where the
  name is a secret's: it ends in password, passwd, passphrase, secret, token or credential(s) (``DB_PASSWORD``,
  ``clientSecret``), or its last part is ``key`` or ``pwd`` (``key``, ``api_key``, ``X-Api-Key``, ``PWD``), or
  it is a licence/license key, api/private/access/secret key, control code or serial number. Parts are
  separated by ``_ . -`` (or a space for the two-word names): ``key`` inside a word is not a secret's name,
  so OpenEdge's own vocabulary (``dbkey = 1234`` in ``rfutil -C aimage scan verbose``) passes unchanged.
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

# A secret's name, matched case-insensitively as a whole name (never inside a longer word):
_ENDS_A_NAME = r"(?:password|passwd|passphrase|secret|token|credentials?)"  # DB_PASSWORD, clientSecret, mytoken
_LAST_PART = r"(?:key|apikey|pwd)"  # key, api_key, X-Api-Key, PWD; not dbkey
_TWO_WORDS = r"(?:(?:licen[cs]e|api|private|access|secret)[ _.-]?key|control[ _.-]?code|serial[ _.-]?number)"
_SECRET_NAME = (
    rf"(?<![A-Za-z0-9])(?:[A-Za-z0-9_.-]*?{_ENDS_A_NAME}|(?:[A-Za-z0-9]+[_.-])*(?:{_TWO_WORDS}|{_LAST_PART}))"
    r"(?![A-Za-z0-9])"
)
_ASSIGNMENT = re.compile(
    rf"""(?P<name>["']?{_SECRET_NAME}["']?)(?P<sep>\s*[=:]\s*)(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,;&"']+)""",
    re.IGNORECASE,
)
_SPOKEN = re.compile(
    rf"""(?P<name>{_SECRET_NAME})(?P<sep>\s+(?:is\s+|of\s+)?)(?P<value>"[^"\n]*"|'[^'\n]*')""", re.IGNORECASE
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
