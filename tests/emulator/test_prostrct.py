"""prostrct create | list | repair | unlock, run as a DBA runs them (semantics §1.2, §3.8)."""

from __future__ import annotations

from pathlib import Path

import pytest

DB_FILES = ["sports.a1", "sports.a2", "sports.a3", "sports.a4", "sports.b1", "sports.d1", "sports.db", "sports_7.d1"]


def test_prostrct_create_writes_a_void_database(prod, oe):
    prod.write_file("sports.st", oe.ST.encode())
    result = oe.ok(prod, "prostrct create sports sports.st")
    assert oe.numbers(result) == [90025]
    assert result.stdout == "Database sports created with block size 4096. (90025)\n"
    assert oe.db_files(prod, "sports") == DB_FILES
    assert oe.describe(prod, "sports")["Database State"] == "void"
    oe.refused(prod, "oeclient sports commit", [90003])
    oe.ok(prod, "procopy empty sports")
    assert oe.commit(prod, "sports", 2) == [1, 2]


def test_prostrct_create_uses_db_st_by_default_and_honours_blocksize(prod, oe):
    prod.write_file("sports.st", oe.ST.encode())
    result = oe.ok(prod, "prostrct create sports -blocksize 8192")
    assert result.stdout == "Database sports created with block size 8192. (90025)\n"
    assert oe.describe(prod, "sports")["Block Size"] == "8192"


def test_prostrct_create_refuses_an_existing_database(prod, oe):
    oe.make_db(prod, ai=False)
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "prostrct create sports sports.st", [90021])
    assert oe.hashes(prod, "sports") == before


@pytest.mark.parametrize(
    ("st", "number"),
    [
        ("b .\nx .\n", 90019),
        ('b .\nd "Data:7 .\n', 90019),
        ('b .\nd "Data":7,33;1 .\n', 90019),
        ('b .\nd "Data":7,32;3 .\n', 90019),
        ('b .\nd "Data":5 .\n', 90019),
        ("b .\nd . v\n", 90019),
        ("b .\nd . f 12x\n", 90019),
        ('b .\nd "Data":7 . v 128\nd "Data":7 . f 128\n', 90019),
        ("b .\na\n", 90019),
        ("d .\n", 90020),
        ("b .\n", 90019),
        ("b .\nd . f 40\n", 90026),
        ("b .\nd . f 32\n", 90026),
        ("b . f 96\nd .\n", 90026),
    ],
)
def test_prostrct_create_refuses_a_malformed_st_and_writes_nothing(prod, oe, st, number):
    prod.write_file("bad.st", st.encode())
    oe.refused(prod, "prostrct create sports bad.st", [number])
    assert prod.list_files() == ["bad.st"]


def test_prostrct_create_refuses_a_missing_st_file_and_a_bad_blocksize(prod, oe):
    oe.refused(prod, "prostrct create sports nowhere.st", [43])
    prod.write_file("sports.st", oe.ST.encode())
    oe.refused(prod, "prostrct create sports sports.st -blocksize 3000", [90013])
    oe.refused(prod, "prostrct create sports sports.st -blocksize", [90010])
    prod.write_file("far.st", b"b missing-dir/\nd .\n")
    oe.refused(prod, "prostrct create far far.st", [43])
    assert sorted(prod.list_files()) == ["far.st", "sports.st"]


def test_prostrct_list_prints_the_structure_and_writes_a_st(prod, oe):
    oe.make_db(prod)
    root = prod.root
    result = oe.ok(prod, "prostrct list sports listed.st")
    # the DOC sample (semantics §1.2): Records/Blck, the BI right after the Control Area with the BI's own
    # block size (8 KB by default, §3.3) and without Records/Blck or Cluster Size
    assert result.stdout.splitlines() == [
        "AreaName: ControlArea, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1",
        f"   Ext # 1, Type VARIABLE, Size 32 KByte, Name: {root}/sports.db",
        "AreaName: Primary Recovery Area, Type 3, Block Size 8192, Extents 1",
        f"   Ext # 1, Type VARIABLE, Size 0 KByte, Name: {root}/sports.b1",
        "AreaName: Schema Area, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1",
        f"   Ext # 1, Type VARIABLE, Size 0 KByte, Name: {root}/sports.d1",
        "AreaName: Data, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1",
        f"   Ext # 1, Type VARIABLE, Size 0 KByte, Name: {root}/sports_7.d1",
        *[
            line
            for n in (1, 2, 3, 4)
            for line in (
                f"AreaName: After Image Area {n}, Type 7, Block Size 4096, Extents 1",
                f"   Ext # {n}, Type VARIABLE, Size 0 KByte, Name: {root}/sports.a{n}",
            )
        ],
    ]
    assert prod.read_file("listed.st").decode().splitlines() == [
        f"b {root}/sports.b1",
        f'd "Schema Area":6,32;1 {root}/sports.d1',
        f'd "Data":7,32;1 {root}/sports_7.d1',
        *[f"a {root}/sports.a{n}" for n in (1, 2, 3, 4)],
    ]
    oe.ok(prod, "proserve sports")
    online = oe.ok(prod, "prostrct list sports")
    assert online.stdout == result.stdout
    assert prod.read_file("sports.st") == prod.read_file("listed.st")
    oe.ok(prod, "proshut sports -by")


def test_prostrct_list_of_a_missing_database(prod, oe):
    result = oe.refused(prod, "prostrct list ghost", [6921])
    assert result.stdout == f"PROSTRCT LIST: file {prod.root}/ghost.db does not exist, command ignored. (6921)\n"


def test_prostrct_repair_points_a_copy_at_its_new_files(prod, dr, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 3)
    expected = oe.digest(prod, "sports")
    oe.copy_db(prod, dr, "sports")
    result = oe.repair(dr, "sports", prod.root)
    assert result.stdout == "Structure repaired: 7 extent path(s) now recorded in sports. (90023)\n"
    listing = oe.ok(dr, "prostrct list sports -RO").stdout
    assert prod.root not in listing
    assert listing.count(dr.root) == 8
    again = oe.ok(dr, "prostrct repair sports sports.st")
    assert again.stdout == "Structure repaired: 0 extent path(s) now recorded in sports. (90023)\n"
    assert oe.counters(dr, "sports") == ("enabled", 1, 1)  # repair leaves AI alone (KB-P23580)
    assert oe.digest(dr, "sports") == expected


def test_prostrct_repair_does_not_run_crash_recovery(prod, dr, oe):
    oe.make_db(prod, ai=False)
    oe.ok(prod, "proserve sports")
    oe.commit(prod, "sports", 2)
    oe.copy_db(prod, dr, "sports")  # an OS copy of a running database, .lk left behind
    oe.ok(prod, "proshut sports -by")
    oe.repair(dr, "sports", prod.root)
    assert oe.describe(dr, "sports")["Database State"] == "crashed (needs crash recovery)"
    assert oe.digest(dr, "sports")[0] == 2
    assert 1526 in oe.log_numbers(dr, "sports")


def test_prostrct_repair_refusals_leave_the_control_area_alone(prod, dr, oe):
    oe.make_db(prod)
    oe.copy_db(prod, dr, "sports")
    oe.ok(dr, "prostrct list sports listed.st")
    listed = dr.read_file("listed.st").decode().replace(prod.root + "/", dr.root + "/")
    before = oe.hashes(dr, "sports")
    dr.write_file("extra.st", (listed + f"a {dr.root}/sports.a5\n").encode())
    oe.refused(dr, "prostrct repair sports extra.st", [90022])
    dr.write_file("fewer.st", "\n".join(x for x in listed.splitlines() if "sports.a4" not in x).encode())
    oe.refused(dr, "prostrct repair sports fewer.st", [90022])
    dr.write_file("moved.st", listed.replace("sports.a2", "elsewhere.a2").encode())
    oe.refused(dr, "prostrct repair sports moved.st", [43])
    dr.write_file("garbage.st", b'b .\nd "Data":7,33 .\n')
    oe.refused(dr, "prostrct repair sports garbage.st", [90019])
    oe.refused(dr, "prostrct repair sports absent.st", [43])
    oe.refused(dr, "prostrct repair sports listed.st extra", [90010])
    assert oe.hashes(dr, "sports") == before


def test_prostrct_repair_refused_while_the_database_is_served(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "proserve sports")
    oe.ok(prod, "prostrct list sports listed.st")
    before = prod.read_file("sports.db")
    oe.refused(prod, "prostrct repair sports listed.st", [276])
    assert prod.read_file("sports.db") == before
    oe.ok(prod, "proshut sports -by")


def test_prostrct_unlock_reports_missing_extents(prod, oe):
    oe.make_db(prod)
    oe.commit(prod, "sports", 1)
    saved = prod.read_file("sports_7.d1")
    prod.remove_file("sports_7.d1")
    missing = f"{prod.root}/sports_7.d1"
    result = oe.refused(prod, "prostrct unlock sports", [43, 1990])
    assert result.stdout.splitlines() == [
        f"** Cannot find or open file {missing}, errno = 2. (43)",
        f"WARNING: Database is damaged, missing extent file {missing}. (1990)",
    ]
    oe.refused(prod, "oeclient sports digest", [43, 1990])
    oe.refused(prod, "proserve sports", [43, 1990])
    prod.write_file("sports_7.d1", saved)
    assert oe.ok(prod, "prostrct unlock sports -extents").stdout == "The database sports has been unlocked. (90024)\n"
    assert oe.digest(prod, "sports")[0] == 1


def test_prostrct_usage_errors(prod, oe):
    oe.refused(prod, "prostrct", [90010])
    oe.refused(prod, "prostrct frobnicate sports", [90011])
    oe.refused(prod, "prostrct create", [90010])
    oe.refused(prod, "prostrct list", [90010])
    oe.refused(prod, "prostrct unlock", [90010])
    oe.refused(prod, "prostrct repair ghost ghost.st", [43])
    oe.refused(prod, "prostrct unlock ghost", [43])
    assert prod.list_files() == []


def test_prostrct_list_to_an_unwritable_path_is_refused_and_changes_nothing(prod, oe):
    oe.make_db(prod)
    oe.ok(prod, "prostrct list sports")
    before = oe.hashes(prod, "sports", extra=("sports.st",))
    missing = f"{prod.root}/nonexistent/dir/x.st"
    result = oe.refused(prod, f"prostrct list sports {missing}", [43])
    assert result.stdout.splitlines()[-1] == f"** Cannot find or open file {missing}, errno = 2. (43)"
    prod.write_file("adir/keep", b"")
    result = oe.refused(prod, "prostrct list sports adir", [43])
    assert result.stdout.splitlines()[-1] == "** Cannot find or open file adir, errno = 21. (43)"
    assert oe.hashes(prod, "sports", extra=("sports.st",)) == before
    assert "nonexistent" not in prod.list_files()
    assert prod.list_files("adir") == ["keep"]


def test_prostrct_repair_refuses_a_st_whose_extent_sizes_differ(prod, dr, oe):
    oe.make_db(prod, st='b .\nd .\nd "Data":7,32;1 . f 1024\nd "Data":7,32;1 .\na . f 512\na .\n')
    oe.copy_db(prod, dr, "sports")
    oe.ok(dr, "prostrct list sports listed.st")
    listed = dr.read_file("listed.st").decode().replace(prod.root + "/", dr.root + "/")
    assert f"a {dr.root}/sports.a1 f 512" in listed.splitlines()
    before = oe.hashes(dr, "sports")
    cases = {
        "bigger.st": listed.replace("sports.a1 f 512", "sports.a1 f 1024"),
        "variable.st": listed.replace("sports.a1 f 512", "sports.a1"),
        "fixed.st": listed.replace("sports.a2", "sports.a2 f 512"),
        "data.st": listed.replace("sports_7.d1 f 1024", "sports_7.d1 f 2048"),
    }
    for name, text in cases.items():
        dr.write_file(name, text.encode())
        result = oe.refused(dr, f"prostrct repair sports {name}", [90022])
        assert "repair cannot change an extent" in result.stdout, name
    assert (
        "is fixed 512 KB in the database but fixed 1024 KB in the .st"
        in dr.run("prostrct repair sports bigger.st").stdout
    )
    assert oe.hashes(dr, "sports") == before
    dr.write_file("same.st", listed.encode())
    oe.ok(dr, "prostrct repair sports same.st")


def test_prostrct_list_then_create_round_trips(prod, dr, oe):
    """A .st written by prostrct list creates the same structure again (here on another host's paths)."""
    st = (
        'b . f 1024\nb .\nd "Schema Area":6,32;1 .\nd "Customer":7,64;8 . f 2048\nd "Customer":7,64;8 .\n'
        'd "Index":12,1;512 .\na . f 512\na .\n'
    )
    oe.make_db(prod, st=st)
    oe.ok(prod, "prostrct list sports listed.st")
    dr.write_file("sports.st", prod.read_file("listed.st").decode().replace(prod.root + "/", dr.root + "/").encode())
    oe.ok(dr, "prostrct create sports sports.st")
    listing = oe.ok(prod, "prostrct list sports -RO").stdout.replace(prod.root + "/", "")
    assert oe.ok(dr, "prostrct list sports -RO").stdout.replace(dr.root + "/", "") == listing
    assert listing.splitlines()[2:6] == [
        "AreaName: Primary Recovery Area, Type 3, Block Size 8192, Extents 2",
        "   Ext # 1, Type FIXED, Size 1024 KByte, Name: sports.b1",
        "   Ext # 2, Type VARIABLE, Size 0 KByte, Name: sports.b2",
        "AreaName: Schema Area, Type 6, Block Size 4096, Extents 1, Records/Blck 32, Cluster Size 1",
    ]


@pytest.mark.parametrize(
    ("st", "line"),
    [
        # semantics §1.2 (confirmed): if one area has a number, every area must have one, the Schema Area too
        ('b .\nd "Schema Area":6,32;1 .\nd "Data" .\n', 3),
        ('b .\nd "Schema Area" .\nd "Data":7 .\n', 3),
        ('b .\nd "Schema Area":6,32;1 .\nd "Data":7,32;1 .\nd "Index" .\n', 4),
        ('# a comment\n\nb .\nd "Schema Area":6 .\n\n* another\nd "Data" .\n', 7),
        # lines end at a newline only: a form feed or a CR inside a line does not shift the numbers
        ('b .\n\x0c\nd "Schema Area":6 .\r\nd "Data":7 .\nd "Index" .\n', 5),
    ],
)
def test_prostrct_create_cites_the_line_that_breaks_the_area_numbering(prod, oe, st, line):
    prod.write_file("bad.st", st.encode())
    result = oe.refused(prod, "prostrct create sports bad.st", [90019])
    assert result.stdout == (
        f"Syntax error in structure description file bad.st line {line}: if one area has a "
        "number, every area must have one. (90019)\n"
    )
    assert prod.list_files() == ["bad.st"]


def test_prostrct_create_from_a_st_that_is_not_text_or_not_a_file(prod, oe):
    prod.write_file("bin.st", "b .\nd .\n".encode("utf-16"))  # UTF-16 with its byte-order mark
    result = oe.refused(prod, "prostrct create sports bin.st", [90019])
    assert result.stdout.startswith("Syntax error in structure description file bin.st line 1: not a text file")
    prod.write_file("nul.st", "b .\nd .\n".encode("utf-16-le"))  # no mark: NUL bytes in every line
    oe.refused(prod, "prostrct create sports nul.st", [90019])
    Path(prod.path("stdir")).mkdir()
    result = oe.refused(prod, "prostrct create sports stdir", [43])
    assert result.stdout == "** Cannot find or open file stdir, errno = 21. (43)\n"  # EISDIR, not errno 2
    result = oe.refused(prod, "prostrct create sports nowhere.st", [43])
    assert result.stdout == "** Cannot find or open file nowhere.st, errno = 2. (43)\n"
    assert sorted(prod.list_files()) == ["bin.st", "nul.st"]
