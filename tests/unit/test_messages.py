"""Invariants of the one message catalogue (harness/openedge/messages.py)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest

from oedr.harness.openedge import messages as m

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = m.catalogue()

RESERVED = {
    "DB_NOT_FOUND": "44: for a file that exists but is not a database; the emulator reports 43 or 90002 today",
    "RELATIVE_PATH_STORED": "12475: prostrct stores absolute paths, so a relative extent path never reaches an opener",
    "RF_RETRY_NOTHING": "roll forward retry with nothing interrupted applies the file like a roll forward",
    "RF_TX_MISMATCH": "4554: emulated AI notes are whole transactions, so the transaction table cannot mismatch",
    "CLIENT_STALLED": "oeclient waits while the broker stalls; the line is kept for a stall report",
    "DEVICE_EXISTS": "probkup overwrites its device, as OpenEdge does",
}
"""Entries no emulator code prints yet, each with the reason it is kept."""

SAME_FAMILY = {334: {"SESSION_END", "MULTI_USER_END"}}
"""Numbers shared by entries of one OpenEdge message family: 334 is ``<utility> session end.``"""

_USE = re.compile(r"\b(?:m|messages)\.([A-Z][A-Z0-9_]+)\b")


def _used_names() -> set[str]:
    used: set[str] = set()
    for path in (ROOT / "harness" / "openedge").rglob("*.py"):  # what the emulator prints (the evidence only names)
        if path != ROOT / "harness" / "openedge" / "messages.py":
            used |= set(_USE.findall(path.read_text(encoding="utf-8")))
    return used


def test_the_catalogue_is_not_empty_and_names_are_constants():
    assert len(CATALOGUE) > 100
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]+", name) for name in CATALOGUE)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_entry_has_a_source_and_a_confidence(name):
    message = CATALOGUE[name]
    assert isinstance(message.confidence, m.Confidence)
    assert message.source.strip(), f"{name} has no source"
    assert message.template.strip(), f"{name} has no text"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_emulator_numbers_are_tagged_as_emulator_assigned(name):
    message = CATALOGUE[name]
    if message.number is not None and message.number >= 90000:
        assert message.confidence is m.Confidence.EMULATOR, f"{name} ({message.number}) is an emulator number"
    if message.confidence is m.Confidence.EMULATOR and message.number is not None:
        assert message.number >= 90000, f"{name}: OpenEdge numbers below 90000 are not emulator-assigned"


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_templates_do_not_carry_their_own_number(name):
    message = CATALOGUE[name]
    assert not re.search(r"\(\d+\)\s*$", message.template), f"{name}: the renderer appends the number"
    assert message.template == message.template.strip() or message.template.startswith("    "), name


def test_rendering_appends_the_number_once():
    assert m.IN_USE_MULTI.render(db="sports") == "** The database sports is in use in multi-user mode. (276)"
    assert m.IN_USE_MULTI.bind(db="sports").text() == m.IN_USE_MULTI.render(db="sports")
    assert m.INCR_OUT_OF_SEQUENCE.render(db="x") == "Incremental restore out of sequence on x"
    assert m.RF_EXPECTED_SEQ.bind(expected=1, actual=3).number == 8019


def test_numbers_are_unique_except_within_one_message_family():
    by_number: dict[int, set[str]] = defaultdict(set)
    for name, message in CATALOGUE.items():
        if message.number is not None:
            by_number[message.number].add(name)
    shared = {number: names for number, names in by_number.items() if len(names) > 1}
    assert shared == SAME_FAMILY
    for number, names in SAME_FAMILY.items():
        assert all(CATALOGUE[name].template.endswith("session end.") for name in names), number


def test_every_entry_is_used_by_the_emulator_or_reserved():
    unused = set(CATALOGUE) - _used_names()
    assert unused <= set(RESERVED), f"unused and not reserved: {sorted(unused - set(RESERVED))}"
    assert set(RESERVED) <= set(CATALOGUE), f"reserved, not catalogued: {sorted(set(RESERVED) - set(CATALOGUE))}"


def test_the_harness_names_only_catalogue_entries():
    assert _used_names() <= set(CATALOGUE)


def test_placeholders_are_simple_names():
    for name, message in CATALOGUE.items():
        fields = re.findall(r"\{([^{}]*)\}", message.template)
        assert all(re.fullmatch(r"[a-z_]+(![rs])?", field) for field in fields), (name, fields)


def test_reserved_entries_are_really_unused():
    """The other direction of the reservation: an entry the emulator now prints must leave ``RESERVED``."""
    stale = set(RESERVED) & _used_names()
    assert not stale, f"printed by the emulator, so no longer reserved: {sorted(stale)}"


_CITED = re.compile(r"\((\d{2,5})\)")


def _numbers_in(paths: list[Path]) -> dict[int, list[str]]:
    cited: dict[int, list[str]] = defaultdict(list)
    for path in paths:
        for number in _CITED.findall(path.read_text(encoding="utf-8")):
            cited[int(number)].append(str(path.relative_to(ROOT)))
    return cited


def test_every_number_the_features_expect_is_in_the_catalogue():
    """From the features to the catalogue: a scenario cannot expect a message the emulator cannot print."""
    known = {message.number for message in CATALOGUE.values()}
    cited = _numbers_in(sorted((ROOT / "features").rglob("*.feature")))
    assert cited, "the features cite no message number: the test would prove nothing"
    missing = {number: where for number, where in cited.items() if number not in known}
    assert not missing, f"expected by a feature, not in the catalogue: {missing}"


def test_every_number_the_emulator_cites_is_in_the_catalogue():
    """From the emulator's code to the catalogue: a ``(NNNN)`` named in its code or comments is a catalogue number."""
    known = {message.number for message in CATALOGUE.values()}
    sources = [p for p in sorted((ROOT / "harness" / "openedge").rglob("*.py")) if p.name != "messages.py"]
    cited = _numbers_in(sources)
    missing = {number: where for number, where in cited.items() if number not in known}
    assert not missing, f"cited by the emulator, not in the catalogue: {missing}"
