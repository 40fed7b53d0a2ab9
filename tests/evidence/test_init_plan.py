"""``oedr init`` writes a plan that is the site's own, and that plan runs: PROVEN with their name and .st.

Each test scaffolds a plan and runs a few of its scenarios with ``oedr run``: the offline copy, and the
ones that name the site's files (an extent left out of the copy, an EMPTY AI extent) or keep a second
database of their own ("other").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.evidence.realplan import PICKED, feature, oedr, pick, results, scaffold

SCENARIOS = {
    "offline_os_copy.feature": [
        "take the copy offline, restore it on the DR host and roll it forward to production's data",
    ],
    "what_goes_wrong.feature": [
        "an extent missing from the copy is found by prostrct repair",
        "an AI file from another database, or from another baseline, fails the date check",
        "a damaged AI file or an EMPTY extent is refused and changes nothing",
    ],
}
CUSTOM_ST = """# orders on the production server
b /db/prod/orders.b1 f 2048
b /db/prod/orders.b2
d "Schema Area":6,32;1 /db/prod/orders.d1
d "Customers":10,64;8 /db/prod/orders_10.d1 f 1024
d "Customers":10,64;8 /db/prod/orders_10.d2
d "Customer Index":11,32;8 /db/prod
a /db/ai/orders.a1 f 8192
a /db/ai/orders.a2 f 8192
a /db/ai/orders.a3 f 8192
a /db/ai/orders.a4 f 8192
a /db/ai/orders.a5
"""


def _run_picked(plan: Path) -> dict[str, Any]:
    for name, scenarios in SCENARIOS.items():
        pick(feature(plan, name), *scenarios)
    done = oedr(plan, "run", "--tags", PICKED, "--out", "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "DR plan: PROVEN" in done.stdout
    data = results(plan / "out")
    assert data["summary"]["counts"]["passed"] == sum(len(s) for s in SCENARIOS.values())
    return data


def _commands(data: dict[str, Any], host: str, program: str) -> list[dict[str, Any]]:
    return [
        c
        for f in data["features"]
        for s in f["scenarios"]
        for st in s["steps"]
        for c in st["commands"]
        if c["host"] == host and c["command"].startswith(program)
    ]


def test_a_plan_for_orders_with_six_ai_extents_is_proven(tmp_path: Path) -> None:
    plan = scaffold(tmp_path / "plan", "--db", "orders", "--ai-extents", "6")
    wrong = (feature(plan, "what_goes_wrong.feature")).read_text(encoding="utf-8")
    assert 'on production a database "orders" with the structure in "../../orders.st"' in wrong
    assert 'on production a database "other" with 2 fixed AI extents' in wrong, "the second database is not theirs"
    assert 'except "orders_7.d1"' in wrong
    assert "sports" not in wrong
    data = _run_picked(plan)
    created = _commands(data, "production", "prostrct create orders")
    assert created
    assert all(c["exit_status"] == 0 for c in created)
    listed = _commands(data, "dr", "prostrct list orders")
    assert listed
    assert "orders.a6" in listed[0]["stdout"], "the database was not created from orders.st"


def test_a_plan_from_the_sites_own_structure_file_is_proven(tmp_path: Path) -> None:
    st = tmp_path / "prod.st"
    st.write_text(CUSTOM_ST, encoding="utf-8")
    plan = scaffold(tmp_path / "plan", "--db", "orders", "--st", str(st))
    written = (plan / "orders.st").read_text(encoding="utf-8")
    assert "/db/" not in written, "an absolute path would put the plan's files outside its hosts' directories"
    assert 'd "Customers":10,64;8 ./orders_10.d1 f 1024' in written
    assert 'd "Customer Index":11,32;8 .' in written
    wrong = (feature(plan, "what_goes_wrong.feature")).read_text(encoding="utf-8")
    assert 'except "orders_10.d1"' in wrong, "the missing extent is not the site's first data extent"
    data = _run_picked(plan)
    listed = _commands(data, "dr", "prostrct list orders")
    assert listed
    assert "AreaName: Customers" in listed[0]["stdout"], "the database was not created from their .st"
