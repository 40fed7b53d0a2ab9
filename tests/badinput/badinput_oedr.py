"""The ``oedr`` command's share of the generated bad-input corpus: wrong and missing arguments, bad numbers,
long and unicode names, binary, truncated and directory files where files are expected, targets under /proc,
closed standard fds, over ``oedr run/list/report/verify/sign/keygen/init/status``.

Every case runs in the ``plan`` template: a plan written by ``oedr init site`` with ``bin.dat`` (binary),
``cut.st`` (a truncated .st) and ``text.st`` beside it. No case runs scenarios (a ``oedr run`` case is refused
before pytest starts: each also names a feature that does not exist). The hand-written cases and their
messages are in tests/evidence/test_oedr_bad_input.py.
"""

from __future__ import annotations

import random
import shlex

from badinput_corpus import Case, Change

PLAN_FILES = {
    "bin.dat": bytes(range(256)) * 4,
    "cut.st": b'b .\nd "Schema Ar',
    "text.st": b"b ./s.b1\n",
}
MISSING = [
    "oedr",
    "oedr verify",
    "oedr report",
    "oedr sign",
    "oedr sign site",
    "oedr keygen",
    "oedr init",
    "oedr status",
    "oedr run --out",
    "oedr run -n",
    "oedr verify site --key",
    "oedr init newsite --db",
    "oedr status site --max-age",
]
SKELETONS = [
    "oedr verify site",
    "oedr report site",
    "oedr sign site text.st",
    "oedr keygen newkey",
    "oedr init newsite",
    "oedr status site",
    "oedr list site/features",
    "oedr run nosuch.feature",
]
BAD_NUMBERS = ["-1", "-3", "1e3", "0x10", "1.5", "", " ", "99999999999", "9" * 5000, "12abc", "²", "∞", "NaN", "1_000"]
ODD_NUMBERS = ["+5", "１２", "٣", "-0"]  # int() reads these (5, 12, 3, 0): accepted or refused, never a traceback
NUMBERED = ["oedr run nosuch.feature -n", "oedr init newsite --ai-extents", "oedr status site --max-age"]
BAD_NAMES = ["x" * 300, "/proc/oedr-x", "-name", "bin.dat", "site"]
ODD_NAMES = ["spörts", "my site", "ｓｉｔｅ", "site\u200b", "nodir/sub/name", "adir"]  # may be good new names
# (init writes into an empty directory such as adir, and makes a new one's parents)
FILE_TAKERS = [  # a file is expected where {} is: a binary, truncated or directory one is refused
    "oedr verify site --key {}",
    "oedr sign site {}",
    "oedr init newsite --st {}",
    "oedr run nosuch.feature --sign {}",
]
DIR_TAKERS = ["oedr verify {}", "oedr report {}", "oedr status {}", "oedr sign {} text.st", "oedr list {}"]
PROC = [
    "oedr keygen /proc/oedr-key",
    "oedr init /proc/oedr-site",
    "oedr run nosuch.feature --out /proc/x",
    "oedr verify /proc/self",
    "oedr report /proc/self",
    "oedr status /proc/self",
    "oedr sign /proc/self text.st",
    "oedr list /proc/self/status",
    "oedr init newsite --st /proc/self/status",
    "oedr verify site --key /proc/self/environ",
]
GOOD = ["oedr keygen newkey", "oedr init newsite", "oedr list site/features", "oedr init newsite --db sports"]
"""Commands that do their work in the plan template with every standard fd open."""


def _case(kind: str, command: str, wrong: bool, what: str, stdio: str = "", must_succeed: bool = False) -> Case:
    changes = (Change("adir"),) if "adir" in command else ()
    return Case(0, kind, "plan", command, wrong, what, changes, stdio=stdio, must_succeed=must_succeed)


def _argv(r: random.Random) -> Case:
    choice = r.random()
    if choice < 0.3:
        return _case("oedr", r.choice(MISSING), True, "a missing argument")
    words = shlex.split(r.choice(SKELETONS))
    token = "zz" + "".join(r.choice("abcxyz019") for _ in range(r.randint(1, 5)))
    if choice < 0.5:
        words.append(token)
        what = "an extra word"
    elif choice < 0.7:
        words.insert(r.randint(2, len(words)), "--" + token)
        what = "an unknown option"
    else:
        words[1] = token
        what = "an unknown command"
    return _case("oedr", shlex.join(words), True, what)


def _number(r: random.Random) -> Case:
    command = r.choice(NUMBERED)
    if r.random() < 0.2:
        number = r.choice(ODD_NUMBERS)
        wrong = not command.startswith("oedr init")  # status and run are refused for their directory anyway
        return _case("oedr", f"{command} {shlex.quote(number)}", wrong, f"odd number {number!r}")
    number = r.choice(BAD_NUMBERS)
    return _case("oedr", f"{command} {shlex.quote(number)}", True, f"bad number {number[:20]!r}")


def _name(r: random.Random) -> Case:
    if r.random() < 0.25:
        name = r.choice(ODD_NAMES)
        command = r.choice([f"oedr keygen {shlex.quote(name)}", f"oedr init {shlex.quote(name)}"])
        return _case("oedr", command, False, f"unicode name {name!r}")
    name = r.choice(BAD_NAMES)
    command = r.choice(
        [
            f"oedr keygen {shlex.quote(name)}",
            f"oedr init {shlex.quote(name)}",
            f"oedr init newsite --db {shlex.quote(name)}" if name != "site" else "oedr init newsite --db 1site",
            f"oedr verify {shlex.quote(name)}",
            f"oedr report {shlex.quote(name)}",
        ]
    )
    return _case("oedr", command, True, f"name {name[:40]!r}")


def _file(r: random.Random) -> Case:
    if r.random() < 0.6:
        target = r.choice(["bin.dat", "cut.st", "adir", "missing.pem"])
        template = r.choice(FILE_TAKERS)
        if template.startswith("oedr init") and target == "cut.st":  # a truncated .st may still read as one
            return _case("oedr", template.format(target), False, f"{target} where a file is expected")
        return _case("oedr", template.format(target), True, f"{target} where a file is expected")
    target = r.choice(["bin.dat", "cut.st", "text.st", "adir", "missing"])
    return _case("oedr", r.choice(DIR_TAKERS).format(target), True, f"{target} where a run directory is expected")


def oedr_cases(r: random.Random, count: int) -> list[Case]:
    """``count`` seeded cases (numbers are set by the corpus): argv, numbers, names, files, /proc, then a few
    with standard fds closed."""
    cases: list[Case] = []
    makers = [_argv, _number, _name, _file]
    for index in range(count):
        if index % 6 == 5:
            cases.append(_case("oedr", r.choice(PROC), True, "a target under /proc"))
        else:
            cases.append(r.choice(makers)(r))
    for index in range(max(6, count // 10)):
        closed = ("stdout", "stdin", "both")[index % 3]
        if index % 2:
            command = r.choice(GOOD)
            cases.append(_case("oedr-stdio", command, False, "a good command", stdio=closed, must_succeed=True))
        else:
            wrong = _argv(r)
            cases.append(_case("oedr-stdio", wrong.command, True, wrong.what, stdio=closed))
    return cases
