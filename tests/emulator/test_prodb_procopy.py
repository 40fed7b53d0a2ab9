"""prodb new-db empty and procopy empty target-db (semantics §3.9)."""

from __future__ import annotations


def test_prodb_empty_makes_a_usable_database_with_the_default_layout(prod, oe):
    result = oe.ok(prod, "prodb sports empty")
    assert result.stdout == "Database sports created with block size 4096. (90025)\n"
    assert oe.db_files(prod, "sports") == ["sports.b1", "sports.d1", "sports.db"]
    facts = oe.describe(prod, "sports")
    assert (facts["Database State"], facts["After Imaging"], facts["Changed Since Backup"]) == (
        "closed",
        "disabled",
        "yes",
    )
    assert oe.commit(prod, "sports", 3) == [1, 2, 3]
    assert oe.digest(prod, "sports")[0] == 3


def test_prodb_uses_a_st_beside_the_new_database(prod, oe):
    prod.write_file("sports.st", oe.ST.encode())
    oe.ok(prod, "prodb sports.db empty")
    assert "sports_7.d1" in oe.db_files(prod, "sports")
    assert len([n for n in oe.db_files(prod, "sports") if ".a" in n]) == 4


def test_prodb_refusals(prod, oe):
    oe.ok(prod, "prodb sports empty")
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "prodb sports empty", [90021])
    oe.refused(prod, "prodb other sports2020", [90014])
    oe.refused(prod, "prodb other", [90010])
    oe.refused(prod, "prodb", [90010])
    prod.write_file("bad.st", b"b .\nq .\n")
    oe.refused(prod, "prodb bad empty", [90019])
    assert oe.hashes(prod, "sports") == before
    assert prod.list_files() == ["bad.st", "sports.b1", "sports.d1", "sports.db"]


def test_procopy_empty_gives_a_void_database_its_schema(prod, oe):
    prod.write_file("sports.st", oe.ST.encode())
    oe.ok(prod, "prostrct create sports sports.st")
    result = oe.ok(prod, "procopy empty sports")
    # it copies the empty schema into the void database prostrct created: it creates no database
    assert result.stdout == "The empty schema was copied into database sports (block size 4096). (90028)\n"
    facts = oe.describe(prod, "sports")
    assert (facts["Database State"], facts["After Imaging"], facts["Expected AI Sequence"]) == (
        "closed",
        "disabled",
        "1",
    )
    assert oe.commit(prod, "sports", 1) == [1]


def test_procopy_empty_creates_the_target_when_it_does_not_exist(prod, oe):
    assert oe.ok(prod, "procopy empty fresh").stdout == "Database fresh created with block size 4096. (90025)\n"
    assert oe.db_files(prod, "fresh") == ["fresh.b1", "fresh.d1", "fresh.db"]
    assert oe.commit(prod, "fresh", 1) == [1]


def test_procopy_refusals(prod, oe):
    oe.make_db(prod, ai=False)
    oe.commit(prod, "sports", 1)
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "procopy empty sports", [90021])
    oe.refused(prod, "procopy sports copy", [90014])
    oe.refused(prod, "procopy empty", [90010])
    assert oe.hashes(prod, "sports") == before
    oe.ok(prod, "proserve sports")
    oe.refused(prod, "procopy empty sports", [276])
    oe.ok(prod, "proshut sports -by")
    assert oe.digest(prod, "sports")[0] == 1


def test_prodb_empty_gives_a_void_database_its_schema_like_procopy(prod, oe):
    prod.write_file("sports.st", oe.ST.encode())
    oe.ok(prod, "prostrct create sports sports.st -blocksize 8192")
    oe.refused(prod, "oeclient sports digest", [90003])
    result = oe.ok(prod, "prodb sports empty")
    assert result.stdout == "The empty schema was copied into database sports (block size 8192). (90028)\n"
    facts = oe.describe(prod, "sports")
    assert (facts["Database State"], facts["After Imaging"], facts["Block Size"]) == ("closed", "disabled", "8192")
    assert len([n for n in oe.db_files(prod, "sports") if ".a" in n]) == 4  # its structure, not the default
    assert oe.commit(prod, "sports", 2) == [1, 2]
    before = oe.hashes(prod, "sports")
    oe.refused(prod, "prodb sports empty", [90021])  # it has its schema now
    oe.refused(prod, "procopy empty sports", [90021])
    assert oe.hashes(prod, "sports") == before
