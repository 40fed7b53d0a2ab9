"""The .st file: parse, resolve to extent files, and format back (harness/openedge/dbfiles/structure.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oedr.harness.openedge.dbfiles import structure
from oedr.harness.openedge.dbfiles.structure import ExtentSpec, ResolvedExtent
from oedr.harness.openedge.errors import UsageError

RICH = """\
# a site's structure file
* with every kind of line
: and every comment character

b . f 1024
b .
d "Schema Area":6,32;1 .
d "Customer Data":7,64;8 /db/data f 2048
d "Customer Data":7,64;8 /db/data
d "Order Index":12,1;512 !"/db/with space/idx"
a /db/ai f 512
a /db/ai
t .
"""


def test_parse_reads_every_field():
    st = structure.parse(RICH, "rich.st")
    assert st.source == "rich.st"
    assert [e.kind for e in st.extents] == ["b", "b", "d", "d", "d", "d", "a", "a", "t"]
    assert st.extents[0] == ExtentSpec("b", ".", True, 1024, line=5)
    assert st.extents[1] == ExtentSpec("b", ".", False, None, line=6)
    assert st.extents[3] == ExtentSpec("d", "/db/data", True, 2048, "Customer Data", 7, 64, 8, line=8)
    assert st.extents[5] == ExtentSpec("d", "/db/with space/idx", False, None, "Order Index", 12, 1, 512, line=10)
    assert [e.area_name for e in st.of_kind("d")] == ["Schema Area", "Customer Data", "Customer Data", "Order Index"]


def test_resolve_names_files_and_numbers_extents(tmp_path):
    st = structure.parse(RICH.replace("/db", str(tmp_path)), "rich.st")
    resolved = structure.resolve(st, "sports", tmp_path)
    rows = [
        (r.kind, r.area, r.area_name, r.number, Path(r.path).relative_to(tmp_path).as_posix(), r.fixed, r.size_kb)
        for r in resolved
    ]
    assert rows == [
        ("b", 3, "Primary Recovery Area", 1, "sports.b1", True, 1024),
        ("b", 3, "Primary Recovery Area", 2, "sports.b2", False, 0),
        ("d", 6, "Schema Area", 1, "sports.d1", False, 0),
        ("d", 7, "Customer Data", 1, "data", True, 2048),
        ("d", 7, "Customer Data", 2, "data", False, 0),
        ("d", 12, "Order Index", 1, "with space/idx", False, 0),
        ("a", 101, "After Image Area 1", 1, "ai", True, 512),
        ("a", 102, "After Image Area 2", 2, "ai", False, 0),
        ("t", 4, "Transaction Log Area", 1, "sports.t1", False, 0),
    ]
    assert [(r.rpb, r.bpc) for r in resolved if r.kind == "d"] == [(32, 1), (64, 8), (64, 8), (1, 512)]


def test_a_directory_gets_openedge_file_names(tmp_path):
    for sub in ("data", "ai"):
        (tmp_path / sub).mkdir()
    st = structure.parse('b .\nd .\nd "Data" data/ f 64\nd "Data" data\nd "More" data\na ai\na ai/\n', "x.st")
    names = [Path(r.path).relative_to(tmp_path).as_posix() for r in structure.resolve(st, "s", tmp_path)]
    assert names == ["s.b1", "s.d1", "data/s_7.d1", "data/s_7.d2", "data/s_8.d1", "ai/s.a1", "ai/s.a2"]


def test_relative_paths_are_made_absolute_and_normalised(tmp_path):
    st = structure.parse("b ./x/../bi/\nd ../up/file.d1\n", "x.st")
    (tmp_path / "bi").mkdir()
    resolved = structure.resolve(st, "s", tmp_path)
    assert [r.path for r in resolved] == [str(tmp_path / "bi" / "s.b1"), str(tmp_path.parent / "up" / "file.d1")]


def _round_trip(resolved: list[ResolvedExtent], stem: str, cwd: Path) -> list[ResolvedExtent]:
    text = "\n".join(
        structure.format_line(r.kind, r.area_name, r.area, r.rpb, r.bpc, r.path, r.fixed, r.size_kb) for r in resolved
    )
    return structure.resolve(structure.parse(text, "listed.st"), stem, cwd)


def test_format_then_parse_is_the_identity(tmp_path):
    st = structure.parse(RICH.replace("/db", str(tmp_path)), "rich.st")
    resolved = structure.resolve(st, "sports", tmp_path)
    again = _round_trip(resolved, "sports", Path("/elsewhere"))
    assert again == resolved
    assert _round_trip(again, "sports", tmp_path) == resolved


def test_format_line_quotes_paths_with_spaces_and_writes_sizes():
    assert structure.format_line("d", "My Area", 8, 64, 8, "/a b/c.d1", True, 128) == (
        'd "My Area":8,64;8 !"/a b/c.d1" f 128'
    )
    assert structure.format_line("b", "Primary Recovery Area", 3, 32, 1, "/x/s.b1", False, 0) == "b /x/s.b1"
    assert structure.format_line("a", "After Image Area 1", 101, 32, 1, "/x/s.a1", True, 512) == "a /x/s.a1 f 512"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("b .\nz .\n", 2, "unknown extent type 'z'"),
        ('b .\nd "Area"x .\n', 2, "bad area description"),
        ('b .\nd "Area .\n', 2, "unbalanced quotes"),
        ('b .\nd "A":7,48 .\n', 2, "records per block 48"),
        ('b .\nd "A":7,32;2 .\n', 2, "blocks per cluster 2"),
        ('b .\nd "A":2 .\n', 2, "area number 2"),
        ('b "A":7 .\nd .\n', 1, "only d lines take an area description"),
        ("b .\nd\n", 2, "missing path"),
        ("b .\nd . q 64\n", 2, "bad size description"),
        ("b .\nd . f sixty\n", 2, "size sixty is not a whole number"),
        ('b .\nd !"open\n', 2, "unbalanced quotes"),
        ("b .\nd .\x00\n", 2, "binary data"),
        ("b .\n", 0, "no data (d) extent"),
        ('b .\nd "A":7 .\nd "B" .\n', 3, "if one area has a number, every area must have one"),
        ('b .\nd "Schema Area":6,32;1 .\nd "B" .\n', 3, "if one area has a number, every area must have one"),
        ('b .\nd "Schema Area" .\nd "B":7 .\n', 3, "if one area has a number, every area must have one"),
        ('b .\n\x0b\x1c\u2028\nd "A":7 .\nd "B" .\n', 4, "if one area has a number, every area must have one"),
        ('b .\nd "A" . v 64\nd "A" . f 64\n', 2, "only the last extent of an area may be variable"),
        ('b .\nd .\nd "Schema Area" .\n', 2, "only the last extent of an area may be variable"),
        ("b .\nb . f 64\nd .\n", 1, "only the last extent of an area may be variable"),
    ],
)
def test_syntax_errors_name_the_line(text, line, reason):
    with pytest.raises(UsageError) as caught:
        structure.parse(text, "bad.st")
    [message] = caught.value.messages
    assert message.number == 90019
    assert message.values["line"] == line
    assert str(message.values["reason"]).startswith(reason)
    assert message.text().startswith(f"Syntax error in structure description file bad.st line {line}: ")


def test_unnamed_d_lines_and_a_fully_numbered_st_are_accepted():
    st = structure.parse('b .\nd . f 64\nd "Schema Area":6,32;1 .\nd "A":7 . f 64\nd "A":7 .\r\n', "ok.st")
    assert [(e.area_name, e.area_number, e.line) for e in st.of_kind("d")] == [
        (None, None, 2),
        ("Schema Area", 6, 3),
        ("A", 7, 4),
        ("A", 7, 5),
    ]


def test_read_reports_the_real_errno_and_non_text_as_a_syntax_error(tmp_path):
    def refusal(path: Path) -> tuple[int | None, dict[str, object]]:
        with pytest.raises(UsageError) as caught:
            structure.read(path)
        [message] = caught.value.messages
        return message.number, message.values

    assert refusal(tmp_path / "missing.st") == (43, {"path": str(tmp_path / "missing.st"), "errno": 2})
    assert refusal(tmp_path) == (43, {"path": str(tmp_path), "errno": 21})
    (tmp_path / "utf16.st").write_bytes("b .\nd .\n".encode("utf-16"))
    number, values = refusal(tmp_path / "utf16.st")
    assert (number, values["line"], values["path"]) == (90019, 1, str(tmp_path / "utf16.st"))
    (tmp_path / "late.st").write_bytes(b'b .\nd .\nd "\xe9t\xe9" .\n')  # Latin-1 on line 3
    assert refusal(tmp_path / "late.st")[1]["line"] == 3
    (tmp_path / "good.st").write_text("b .\nd .\n")
    assert len(structure.read(tmp_path / "good.st").extents) == 2


def test_a_st_without_bi_is_refused_with_its_own_message():
    with pytest.raises(UsageError) as caught:
        structure.parse("d .\n", "nobi.st")
    assert [b.number for b in caught.value.messages] == [90020]


def test_several_variable_ai_extents_are_allowed():
    assert len(structure.parse("b .\nd .\na .\na .\na . f 64\n").of_kind("a")) == 3


@pytest.mark.parametrize(
    ("block_size", "size", "ok"),
    [
        (4096, 64, True),
        (4096, 32, False),
        (4096, 96, False),
        (4096, 128, True),
        (8192, 64, False),
        (8192, 128, True),
        (1024, 48, True),
        (1024, 40, False),
    ],
)
def test_check_sizes(block_size, size, ok):
    st = structure.parse(f"b .\nd . f {size}\nd .\n")
    if ok:
        structure.check_sizes(st, block_size)
    else:
        with pytest.raises(UsageError) as caught:
            structure.check_sizes(st, block_size)
        assert caught.value.messages[0].number == 90026
        assert caught.value.messages[0].values == {"size": size, "unit": 16 * block_size // 1024}
