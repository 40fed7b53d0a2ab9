"""harness/dba: a command line parsed once, and one typed reader per OpenEdge output."""

from __future__ import annotations

import pytest

from oedr.harness.dba import commands, readings, structure
from oedr.harness.dba.commands import Kind
from oedr.harness.dba.readings import AiExtent, Commit, Counters, Dialect, Digest

EMULATOR_DESCRIBE = """OpenEdge Database Description

Database Name               : /tmp/dtest/s
Database State              : closed
Last Change Date            : Fri Dec  4 16:47:16 2026
Changed Since Backup        : yes
Backup Counter              : 2
After Imaging               : enabled
Current AI Sequence         : 3
Expected AI Sequence        : 1
Busy AI Extent              : 3
Roll Forward In Progress    : no
Records                     : 40

Database Features
   After Imaging
   Large Files
"""
AI_LIST = """OpenEdge Release 11.7.2 as of Tue Oct 24 18:20:59 EDT 2017

Extent:  1
Status:  Full
  Type:  Fixed Length
  Path:  /db/s2k.a1
  Size:  120
  Used:  7
 Start:  Thu Jun 14 14:51:42 2018
LastOp:  N/A
 Seqno:  14

Extent:  3
Status:  Busy
  Type:  Variable Length
  Path:  /db/s2k.a3
  Size:  120
  Used:  7
 Start:  Thu Jun 14 14:51:42 2018
LastOp:  N/A
 Seqno:  15
"""


@pytest.mark.parametrize(
    ("line", "program", "database", "qualifier", "kind", "moves"),
    [
        ("rfutil sports -C aimage new", "rfutil", "sports", "aimage new", Kind.AI_SWITCH, True),
        (
            "rfutil /db/sports.db -C roll forward -a archive/a2",
            "rfutil",
            "sports",
            "roll forward",
            Kind.ROLL_FORWARD,
            True,
        ),
        ("rfutil sports -C sequence", "rfutil", "sports", "sequence", Kind.SEQUENCE, True),
        ("rfutil sports -C aimage list", "rfutil", "sports", "aimage list", None, False),
        ("rfutil sports -C aimage scan verbose -a a1", "rfutil", "sports", "aimage scan verbose", None, False),
        ("$DLC/bin/probkup online sports sports.bk", "probkup", "sports", "online", Kind.BACKUP, True),
        ("prorest sports sports.bk", "prorest", "sports", "", Kind.RESTORE, True),
        ("proquiet sports enable", "proquiet", "sports", "enable", None, True),
        ("proutil sports -C truncate bi", "proutil", "sports", "truncate bi", None, True),
        ("proutil sports -C describe", "proutil", "sports", "describe", None, False),
        ("proserve sports -U dba -P secret", "proserve", "sports", "", None, False),
        ("prostrct create sports sports.st", "prostrct", "sports", "create", None, False),
        ("procopy empty sports", "procopy", "sports", "", None, False),
        ("oeclient sports commit --count 3", "oeclient", "sports", "commit", None, False),
        ("ls -l", "ls", None, "", None, False),
    ],
)
def test_a_command_line_is_parsed_once_into_what_it_names(
    line: str, program: str, database: str | None, qualifier: str, kind: Kind | None, moves: bool
) -> None:
    parsed = commands.parse(line)
    assert (parsed.program, parsed.database, parsed.qualifier, parsed.kind, parsed.moves_counters) == (
        program,
        database,
        qualifier,
        kind,
        moves,
    )


def test_the_harness_counters_read_is_recognised_and_an_option_value_is_never_a_qualifier() -> None:
    assert commands.parse("proutil sports -C describe").is_counters_read
    assert not commands.parse("proutil sports -C busy").is_counters_read
    assert "secret" not in commands.parse("proserve sports -U dba -P secret").qualifier
    assert commands.parse("rfutil sports -C roll forward -a archive/x.a2").ai_file == "archive/x.a2"
    assert commands.parse(["probkup", "online", "sports", "b"]).switch_label == "probkup online"


def test_the_emulators_describe_reads_as_typed_counters() -> None:
    found = readings.counters([EMULATOR_DESCRIBE], Dialect.EMULATOR)
    assert found == Counters(
        ai_enabled=True,
        current_ai_seq=3,
        expected_ai_seq=1,
        busy_extent=3,
        backup_counter=2,
        records=40,
        state="closed",
        last_change="Fri Dec  4 16:47:16 2026",
        changed_since_backup=True,
        roll_forward_in_progress=False,
    )
    assert found.values()["current_ai_seq"] == 3
    assert found.ai_state == "enabled"
    assert readings.counters(["** Cannot find or open file x.db, errno = 2. (43)"], Dialect.EMULATOR) is None


def test_a_real_openedge_is_read_from_describes_features_and_the_busy_ai_extent() -> None:
    assert readings.counter_reads("sports", Dialect.OPENEDGE) == [
        "proutil sports -C describe",
        "rfutil sports -C aimage list",
    ]
    real = "OpenEdge Database Description\n\nDatabase Name : /db/s2k\n\nDatabase Features\n   After Imaging\n"
    found = readings.counters([real, AI_LIST], Dialect.OPENEDGE)
    assert found == Counters(ai_enabled=True, current_ai_seq=15, busy_extent=3)
    assert found.expected_ai_seq is None, "a real describe shows no expected AI sequence: unknown, not guessed"
    off = readings.counters(
        ["OpenEdge Database Description\n\nDatabase Features\n   Large Files\n", ""], Dialect.OPENEDGE
    )
    assert off == Counters(ai_enabled=False, current_ai_seq=0)
    assert readings.dialect_of("openedge") is Dialect.OPENEDGE
    assert readings.dialect_of("docker") is Dialect.EMULATOR


def test_the_ai_extent_list_keeps_every_field_it_shows() -> None:
    assert readings.ai_extents(AI_LIST) == [
        AiExtent(1, "FULL", "Fixed Length", "/db/s2k.a1", 14),
        AiExtent(3, "BUSY", "Variable Length", "/db/s2k.a3", 15),
    ]
    assert readings.ai_extents(AI_LIST)[0].fixed


def test_oeclient_lines_read_as_commits_and_a_digest() -> None:
    out = "committed trid=7 time=Fri Dec  4 16:47:16 2026 (1764866836000001)\nrecords=3 sha256=" + "a" * 64
    assert readings.commits(out) == [Commit(7, 1764866836000001)]
    assert readings.digest(out) == Digest(3, "a" * 64)
    assert readings.digest("no digest") is None


def test_numbered_lines_and_the_deciding_one() -> None:
    out = (
        "WARNING: ROLL FORWARD disables after-imaging. (663)\n"
        "Expected ai file number 1 but file specified is 2 in sequence. (8019)\n"
        "roll forward open a2 error: -1. (11014)\ncommitted trid=1 time=x (1764866836000001)"
    )
    assert readings.message_numbers(out) == [663, 8019, 11014]
    assert readings.deciding_line(out) == (8019, out.splitlines()[1])
    assert readings.deciding_line(out, named=663)[0] == 663  # type: ignore[index]
    assert sorted(readings.shown_numbers("expected message 90041, got (8019)")) == [8019, 90041]


def test_the_log_lines_read_with_their_severity_process_and_user() -> None:
    text = (
        "[2026/01/01@00:00:00.000+0000] P-12 T-1 I BROKER 0: (333) Multi-user session begin.\n"
        "[2026/01/01@00:00:00.000+0000] P-13 T-1 E RFUTIL : (8019) Expected ai file number 1\n"
    )
    assert [(e.severity, e.process, e.user, e.number) for e in readings.log_lines(text)] == [
        ("I", "BROKER", 0, 333),
        ("E", "RFUTIL", None, 8019),
    ]


def test_the_files_of_a_database_are_one_definition() -> None:
    names = [
        "sports.db",
        "sports.b1",
        "sports.d1",
        "sports_7.d1",
        "sports.a1",
        "sports.lk",
        "sports.lg",
        "sports.st",
        "sportsx.db",
        "other.db",
        "sports.bak",
    ]
    assert readings.database_files(names, "sports") == names[:8]
    assert readings.database_files(names, "/db/sports.db", with_log_and_structure=False) == names[:6]


def test_a_structure_files_paths_are_rewritten_and_the_rest_of_each_line_kept() -> None:
    st = 'b /db/prod/s.b1\nd "Schema Area":6,32;1 /db/prod/s.d1\nd "My Data":7,64;8 !"/db/prod/my s_7.d1" f 1024\n'
    text, changed = structure.rewrite_paths(st, "s.st", lambda path: "./" + path.rsplit("/", 1)[1])
    assert changed
    assert text == 'b ./s.b1\nd "Schema Area":6,32;1 ./s.d1\nd "My Data":7,64;8 !"./my s_7.d1" f 1024\n'
    with pytest.raises(structure.StructureError):
        structure.rewrite_paths("q nonsense\n", "bad.st", lambda path: path)
