"""Every command on ODCS files, as a user runs them: convert, schema, validate, check, bump, test,
dbt-schema, catalog, in a mesh mixing both formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scaffolder.contract.load import load_text
from scaffolder.odcs.convert import to_odcs
from scaffolder.odcs.files import dump_yaml
from tests.conftest import SEED, git, run_cli
from tests.odcs.helpers import FIXTURES, ODCS_FIXTURES

FULL = FIXTURES / "orders-full.odcs.yaml"


def test_convert_round_trip_through_files(tmp_path: Path) -> None:
    odcs, back = tmp_path / "seed.odcs.yaml", tmp_path / "back.yaml"
    assert run_cli("convert", str(SEED), "--to", "odcs", "-o", str(odcs)).code == 0
    assert run_cli("convert", str(odcs), "--to", "datamesh", "-o", str(back)).code == 0
    r = run_cli("diff", str(SEED), str(back), "--format", "json")
    assert r.code == 0, r.out
    assert json.loads(r.out)["contracts"][0]["changes"] == []
    assert not list(tmp_path.glob(".*"))  # atomic writes leave no temp file behind


def test_convert_several_tables(tmp_path: Path) -> None:
    r = run_cli("convert", str(FULL), "--to", "datamesh")
    assert r.code == 0 and r.out.count("apiVersion: datamesh.io/v1") == 2 and "\n---\n" in r.out
    assert "[odcs-kept]" in r.err  # what has no counterpart is said, not dropped silently
    (tmp_path / "file.yaml").write_text("x")
    r = run_cli("convert", str(FULL), "--to", "datamesh", "-o", str(tmp_path / "file.yaml"))
    assert r.code == 2 and "-o must name a folder" in r.err
    out = tmp_path / "out"
    assert run_cli("convert", str(FULL), "--to", "datamesh", "-o", str(out)).code == 0
    assert sorted(p.name for p in out.iterdir()) == ["orders.order_lines.yaml", "orders.yaml"]
    # and back: the two contracts become one ODCS document again
    r = run_cli("convert", *sorted(str(p) for p in out.iterdir()), "--to", "odcs")
    assert r.code == 0 and [o["name"] for o in load_text(r.out).data["schema"]] == ["order_lines", "orders"]


def test_convert_bad_input_is_located_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.odcs.yaml"
    bad.write_text(FULL.read_text().replace("logicalType: boolean", "logicalType: bool"))
    r = run_cli("convert", str(bad), "--to", "datamesh", "-o", str(tmp_path / "x.yaml"))
    assert r.code == 2 and f"{bad}:" in r.err and "logicalType must be one of" in r.err
    assert "Traceback" not in r.err and not (tmp_path / "x.yaml").exists()
    assert run_cli("convert", str(tmp_path / "nope.yaml"), "--to", "odcs").code == 2


def test_schema_odcs_prints_the_package_schema() -> None:
    r = run_cli("schema", "--odcs")
    assert r.code == 0 and json.loads(r.out)["title"] == "Open Data Contract Standard (ODCS)"


def _mesh(tmp_path: Path) -> Path:
    root = tmp_path / "mesh"
    (root / "domains/orders").mkdir(parents=True)
    (root / "domains/shop").mkdir(parents=True)
    shutil.copy(SEED, root / "domains/orders/data-product-contract.yaml")
    shutil.copy(FULL, root / "domains/shop/orders.odcs.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@e", "-c", "user.name=t", "add", "-A")
    git(root, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qm", "mesh")
    return root


def test_mixed_mesh_validate_and_catalog(tmp_path: Path) -> None:
    root = _mesh(tmp_path)
    r = run_cli("validate", "--no-policy", cwd=root)  # default globs find both formats
    assert r.code == 0 and "3 contracts checked: all valid" in r.out, r.out
    r = run_cli("validate", "--format", "json", "--no-policy", cwd=root)
    names = [c["name"] for c in json.loads(r.out)["contracts"]]
    assert names == ["orders-domain.order_events", "orders", "orders.order_lines"]
    r = run_cli("catalog", "build", "--no-history", "--out", str(tmp_path / "site"), cwd=root)
    assert r.code == 0, r.err + r.out
    site = " ".join(p.read_text(errors="replace") for p in (tmp_path / "site").rglob("*.html"))
    assert "orders.order_lines" in site and "orders-domain.order_events" in site


def test_check_and_bump_per_table(tmp_path: Path) -> None:
    root = _mesh(tmp_path)
    git(root, "checkout", "-q", "-b", "feature")
    path = root / "domains/shop/orders.odcs.yaml"
    before = path.read_text()
    edited = before.replace("      - name: sku\n        logicalType: string\n        required: true\n",
                            "      - name: sku\n        logicalType: string\n        required: false\n")
    edited = edited.replace("      - name: pickup_time\n        logicalType: time\n", "")
    assert edited.count("\n") == before.count("\n") - 2
    path.write_text(edited)
    r = run_cli("check", "--base", "main", "--format", "json", cwd=root)
    assert r.code == 1, r.out + r.err
    results = {c["name"]: c for c in json.loads(r.out)["contracts"]}
    assert set(results) == {"orders", "orders.order_lines"}  # each table on its own
    assert [f["rule"] for f in results["orders"]["changes"]] == ["field-removed"]
    assert [f["rule"] for f in results["orders.order_lines"]["changes"]] == ["field-became-nullable"]
    change = results["orders.order_lines"]["changes"][0]
    assert change["file"].endswith("orders.odcs.yaml")
    assert edited.splitlines()[change["line"] - 1].strip() == "required: false"
    assert run_cli("bump", "--base", "main", cwd=root).code == 0
    after = path.read_text()
    assert after == edited.replace("version: 1.4.0", "version: 2.0.0")  # every other byte kept
    assert run_cli("check", "--base", "main", cwd=root).code == 0
    git(root, "-c", "user.email=t@e", "-c", "user.name=t", "commit", "-qam", "bump")
    r = run_cli("catalog", "build", "--out", str(tmp_path / "site"), cwd=root)  # with the git history
    assert r.code == 0, r.err + r.out
    pages = [p.read_text() for p in (tmp_path / "site").rglob("*.html") if "order_lines" in p.name]
    assert pages and any("1.4.0" in p and "2.0.0" in p for p in pages)


def test_single_contract_commands_take_a_table(tmp_path: Path) -> None:
    r = run_cli("dbt-schema", str(FULL))
    assert r.code == 2 and "--table" in r.err and "orders.order_lines" in r.err
    r = run_cli("dbt-schema", str(FULL), "--table", "order_lines")
    assert r.code == 0 and "name: order_lines" in r.out and "name: sku" in r.out
    assert run_cli("lineage", "emit", str(FULL), "--print").code == 2
    r = run_cli("lineage", "emit", str(FULL), "--print", "--table", "order_lines")
    assert r.code == 0 and json.loads(r.out)[-1]["outputs"][0]["name"] == "orders.order_lines"
    r = run_cli("explain", str(FULL))
    assert r.code == 0 and "orders.order_lines" in r.out and "orders v1.4.0" in r.out


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import duckdb

    from tests.checks.data import CONTRACT, make_table

    folder = tmp_path_factory.mktemp("odcs-data")
    con = duckdb.connect()
    make_table(con)
    con.execute(f"COPY t TO '{folder / 'orders.parquet'}' (FORMAT parquet)")
    (folder / "orders.yaml").write_text(CONTRACT)
    (folder / "orders.odcs.yaml").write_text(dump_yaml(to_odcs(load_text(CONTRACT).data)))
    return {"ours": folder / "orders.yaml", "odcs": folder / "orders.odcs.yaml", "data": folder / "orders.parquet"}


def test_data_checks_on_odcs_match_ours(data: dict[str, Path]) -> None:
    from tests.checks.data import NOW

    def run(contract: Path) -> list[tuple]:
        r = run_cli("test", str(contract), "--data", str(data["data"]), "--now", NOW, "--format", "json")
        assert r.code == 1, r.err
        return sorted((c["id"], c["failed"], c["total"], c["passed"]) for c in json.loads(r.out)["checks"])

    assert run(data["odcs"]) == run(data["ours"])


@pytest.mark.parametrize("src", ODCS_FIXTURES, ids=[p.name for p in ODCS_FIXTURES])
def test_every_fixture_through_every_contract_command(src: Path, tmp_path: Path) -> None:
    """Every kind of ODCS document (tests/odcs/fixtures) through the commands: a result, never exit 3."""
    from scaffolder.odcs.convert import convert_located
    from tests.contract.inproc import run_main

    tables = [c.table for c in convert_located(load_text(src.read_text()).data) if c.table]
    pick = ["--table", tables[-1]] if len(tables) > 1 else []
    runs = {
        "validate": run_main("validate", "--no-policy", str(src)),
        "explain": run_main("explain", str(src)),
        "convert": run_main("convert", str(src), "--to", "datamesh", "-o", str(tmp_path / "out")),
        "dbt-schema": run_main("dbt-schema", str(src), *pick),
        "lineage": run_main("lineage", "emit", str(src), "--print", *pick),
        "diff": run_main("diff", str(src), str(src), "--format", "json"),
        "print-sql": run_main("test", str(src), "--print-sql", "--data", "t", *pick),
    }
    for fmt in ("avro", "jsonschema", "sql:postgres", "odcs"):
        runs[fmt] = run_main("export", "--format", fmt, str(src), *pick)
    for name, r in runs.items():
        assert r.code in (0, 1) and "Traceback" not in r.out + r.err, (name, r.code, r.err[-800:])
    assert runs["validate"].code == 0, runs["validate"].out
    assert all(c["changes"] == [] for c in json.loads(runs["diff"].out)["contracts"])  # same file: no change


def test_ci_on_a_mixed_mesh_reports_each_odcs_table(tmp_path: Path) -> None:
    """`ci` outside GitHub (the report on the terminal): the ODCS file's tables gated one by one."""
    root = _mesh(tmp_path)
    git(root, "checkout", "-q", "-b", "feature")
    path = root / "domains/shop/orders.odcs.yaml"
    path.write_text(path.read_text().replace("        required: true\n        quality:\n          - {metric: duplicateValues",
                                             "        required: false\n        quality:\n          - {metric: duplicateValues"))
    env = {k: "" for k in ("GITHUB_ACTIONS", "GITHUB_EVENT_PATH", "GITHUB_TOKEN", "GITHUB_BASE_REF")}
    r = run_cli("ci", "--base-ref", "main", "--format", "json", cwd=root, env=env)
    assert r.code == 1 and "Traceback" not in r.err, r.out + r.err
    report = json.loads(r.out)
    text = json.dumps(report)
    assert "orders.order_lines" in text and "field-became-nullable" in text, text[:2000]
