"""The after-image manager's archive, as a site sees it: the archive directory and ``<db>.archival.log``.

File names follow OpenEdge's (semantics §4.6): ``<db directory with / as ~>~<db>.<seq>.<extent file>``, so the
sequence is read from the name, and the archival log's records (``0001`` automatic, ``0003``/``0004`` manual)
say which file numbers the manager has archived. Waits poll the log with a deadline.
"""

from __future__ import annotations

import re

from oedr.harness.backends.base import utc_now
from oedr.harness.evidence import hooks
from oedr.harness.site import Site, StepFailure
from oedr.harness.waiting import Timeout, poll_until

ARCHIVE_WAIT_SECONDS = 60.0  # the manager wakes every 5 s; a slow container may need several wakes
ARCHIVE_RECORDS = ("0001", "0003", "0004")


def _stem(db: str) -> str:
    return db.rstrip("/").split("/")[-1].removesuffix(".db")


def archived_files(site: Site, host_name: str, db: str, directory: str) -> list[tuple[int, str]]:
    """(sequence, file name) of every archive of ``db`` in the directory, oldest first."""
    pattern = re.compile(rf"(?:^|~){re.escape(_stem(db))}\.(\d+)\.")
    found = []
    for name in site.host(host_name).list_files(directory):
        match = pattern.search(name)
        if match:
            found.append((int(match.group(1)), name))
    return sorted(found)


def archived_sequences(site: Site, host_name: str, db: str) -> dict[int, str]:
    """File number -> archive target, from the records of ``<db>.archival.log`` (none if it does not exist)."""
    host = site.host(host_name)
    name = f"{_stem(db)}.archival.log"
    if name not in host.list_files("."):
        return {}
    records: dict[int, str] = {}
    for line in host.read_file(name).decode(errors="replace").splitlines():
        fields = line.split(",")
        if len(fields) >= 9 and fields[0] in ARCHIVE_RECORDS and fields[6].isdigit():
            records[int(fields[6])] = fields[8]
    return records


def wait_archived(site: Site, host_name: str, db: str, seq: int) -> str:
    """Wait until the manager has archived AI file ``seq``; its target, recorded on the timeline once per archive."""
    try:
        poll_until(
            lambda: seq in archived_sequences(site, host_name, db),
            timeout=ARCHIVE_WAIT_SECONDS,
            what=f"AI file {seq} of {db} archived on {host_name}",
        )
    except Timeout:
        raise StepFailure(
            f"the archiver did not archive AI file {seq} of {db} on {host_name} within "
            f"{ARCHIVE_WAIT_SECONDS:.0f} s (archived: {sorted(archived_sequences(site, host_name, db))})"
        ) from None
    target = archived_sequences(site, host_name, db)[seq]
    drawn = (site.host(host_name).name, _stem(db), seq)
    if drawn in site.archives_drawn:  # the manager archived it once: a later wait checks, it draws nothing new
        return target
    site.archives_drawn.add(drawn)
    hooks.record_event(
        {
            "kind": "ai-archive",
            "host": site.host(host_name).name,
            "label": f"archiver: AI file {seq} -> {target}",
            "seq": seq,
            "time": utc_now(),
        }
    )
    return target


def roll_forward_directory(site: Site, host_name: str, db: str, directory: str) -> list[str]:
    """Roll forward every archive in the directory, by the sequence in its name, from the one the database
    expects (older ones are in its backup already), stopping at the first refusal: the last result says
    how it went. The names applied."""
    expected = site.counters(host_name, db).expected_ai_seq or 1
    files = [(seq, name) for seq, name in archived_files(site, host_name, db, directory) if seq >= expected]
    if not files:
        raise StepFailure(f"no archived AI file from sequence {expected} in {directory}/ on {host_name}")
    applied = []
    for _seq, name in files:
        result = site.run(host_name, f"rfutil {db} -C roll forward -a {directory}/{name}")
        if result.exit_status != 0:
            break
        applied.append(name)
    return applied


def archive_of(site: Site, host_name: str, db: str, directory: str, seq: int) -> str:
    """The path (relative to the host) of the archive of AI file ``seq`` in the directory."""
    for number, name in archived_files(site, host_name, db, directory):
        if number == seq:
            return f"{directory}/{name}"
    raise StepFailure(f"there is no archive of AI file {seq} of {db} in {directory}/ on {host_name}")


def wait_caught_up(site: Site, host_name: str, db: str) -> None:
    """Wait until no AI extent is FULL (read quietly: the polls are not DBA commands), then record on the
    timeline every file the manager archived."""
    host = site.host(host_name)

    def caught_up() -> bool:
        listing = host.run(f"rfutil {db} -C aimage list").stdout
        return re.search(r"^Status:\s+Full\s*$", listing, re.M | re.I) is None

    try:
        poll_until(caught_up, timeout=ARCHIVE_WAIT_SECONDS, what=f"every FULL AI extent of {db} archived")
    except Timeout:
        raise StepFailure(
            f"AI extents of {db} on {host_name} are still FULL after {ARCHIVE_WAIT_SECONDS:.0f} s: "
            "the archiver is not archiving them"
        ) from None
    for seq in sorted(archived_sequences(site, host_name, db)):
        wait_archived(site, host_name, db, seq)


def wait_logged(site: Site, host_name: str, db: str, number: int) -> str:
    """Wait until the database's .lg has a line with message ``number`` (the manager logs as it works); the line."""
    host = site.host(host_name)
    tag = f"({number})"

    def line() -> str | None:
        text = host.read_file(f"{_stem(db)}.lg").decode(errors="replace")
        return next((raw for raw in text.splitlines() if tag in raw), None)

    try:
        poll_until(lambda: line() is not None, timeout=ARCHIVE_WAIT_SECONDS, what=f"message {number} in {db}.lg")
    except Timeout:
        raise StepFailure(
            f"{_stem(db)}.lg on {host_name} has no message {number} after {ARCHIVE_WAIT_SECONDS:.0f} s"
        ) from None
    return line() or ""


def extent_state(site: Site, host_name: str, db: str, number: int) -> str:
    """The state of AI extent ``number`` as ``rfutil -C aimage list`` shows it (FULL, EMPTY, ...)."""
    for extent in site.ai_extents(host_name, db):
        if extent.number == number:
            return extent.status
    raise StepFailure(f"{db} on {host_name} has no AI extent {number}")
