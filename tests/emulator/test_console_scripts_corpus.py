"""The installed console scripts and the local backend's in-process runner are one program: over a corpus that
runs every utility (its successes, its usage errors, its refusals), both print the same messages, exit with the
same status and leave the same files. This is what lets ``make test`` run through the console scripts only the
tests whose behaviour depends on a separate process (the Makefile's CONSOLE_SCRIPT_TESTS).

What legitimately differs between two runs is masked: the host directory, dates and times, elapsed times,
process ids, and oeclient's microsecond stamps.
"""

from __future__ import annotations

import re

from oedr.harness.backends.local import LocalHost
from oedr.harness.openedge.cli import UTILITIES
from oedr.harness.site import Site

CORPUS = [
    # prostrct, procopy, prodb
    "prostrct",
    "prostrct frobnicate",
    "prostrct create sports sports.st",
    "prostrct create sports sports.st",
    "procopy empty sports",
    "prostrct list sports listed.st",
    "prostrct list ghost",
    "prodb copy sports",
    "prodb",
    # rfutil
    "rfutil sports -C mark backedup",
    "rfutil sports -C aimage begin",
    "rfutil sports -C aimage begin",
    "rfutil sports -C frobnicate",
    "rfutil sports -C aimage list",
    "rfutil sports -C sequence now",
    # oeclient
    "oeclient sports commit --count 3",
    "oeclient sports commit --count 0",
    "oeclient sports digest",
    "oeclient",
    # proutil
    "proutil sports -C busy",
    "proutil sports -C holder",
    "proutil ghost -C holder",
    "proutil sports -C describe",
    "proutil sports -C truncate bi",
    "proutil",
    # probkup, prorest
    "probkup sports full.bak",
    "probkup sports",
    "probkup ghost full.bak",
    "rfutil sports -C aimage new",
    "rfutil sports -C aimage scan -a sports.a1",
    "prorest copy full.bak",
    "prorest ghost missing.bak",
    "prorest",
    # proserve, proquiet, proshut (the broker is a process of its own in both modes)
    "proserve sports",
    "proserve sports",
    "proutil sports -C busy",
    "oeclient sports commit --count 2",
    "proquiet sports enable",
    "proquiet sports disable",
    "proquiet sports frobnicate",
    "proshut sports -by",
    "proshut sports -by",
    "proquiet",
    "proshut",
    "proserve",
    "_mprosrv",
    # roll forward on the restored copy
    "rfutil copy -C roll forward -a sports.a1",
    "rfutil copy -C roll forward -a sports.a1",
    "rfutil copy -C roll forward",
]

_MASKS = [
    (
        re.compile(
            r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d "
            r"\d\d:\d\d:\d\d \d{4}\b"
        ),
        "<date>",
    ),
    (re.compile(r"\b\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:?\d\d|Z)?"), "<time>"),
    (re.compile(r"\b\d{2}:\d{2}:\d{2}\b"), "<clock>"),
    (re.compile(r"\(\d{10,}\)"), "(<stamp>)"),
    (re.compile(r"\b[Pp][Ii][Dd]:? *\d+"), "pid <pid>"),
    (re.compile(r"\b\d{9,}\b"), "<number>"),
    (re.compile(r"\b\d+\.\d+ seconds\b"), "<elapsed> seconds"),
]


def _masked(text: str, host: LocalHost) -> str:
    text = text.replace(host.root, "<root>").replace(host.hostname, "<host>")
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def test_every_utility_prints_exits_and_writes_the_same_in_process_and_through_its_console_script(
    site: Site, oe, monkeypatch
):
    monkeypatch.delenv("OEDR_LOCAL_SUBPROCESS", raising=False)
    fast = site.host("in-process")
    monkeypatch.setenv("OEDR_LOCAL_SUBPROCESS", "1")
    shell = site.host("console-scripts")
    assert fast.in_process
    assert not shell.in_process
    utilities = set()
    for host in (fast, shell):
        host.write_file("sports.st", oe.ST.encode())
    try:
        for command in CORPUS:
            ran = [host.run(command) for host in (fast, shell)]
            assert ran[0].extra.get("mode") == "in-process" or command.startswith(("proserve", "_mprosrv")), command
            utilities.add(command.split()[0])
            assert ran[0].exit_status == ran[1].exit_status, [r.describe() for r in ran]
            outputs = [_masked(r.output, host) for r, host in zip(ran, (fast, shell), strict=True)]
            assert outputs[0] == outputs[1], command
            assert "Traceback" not in outputs[0], command
            assert sorted(fast.list_files()) == sorted(shell.list_files()), command
    finally:
        for host in (fast, shell):
            host.run("proshut sports -by")
    assert utilities >= set(UTILITIES), set(UTILITIES) - utilities
