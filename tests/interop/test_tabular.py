"""Import from real Parquet, CSV and DuckDB files: the draft validates and `scaffolder test` passes on the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import run_cli
from tests.interop.data import ROWS, write_all


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return write_all(tmp_path_factory.mktemp("tabular"))


def _fields(text: str) -> dict[str, dict]:
    doc = YAML(typ="safe").load(text)
    return {f["name"]: f for f in doc["spec"]["schema"]["fields"]}


@pytest.mark.parametrize("fmt", ["parquet", "csv", "duckdb"])
@pytest.mark.parametrize("profile", [False, True])
def test_imported_contract_validates_and_the_data_passes(sources: dict[str, str], tmp_path: Path,
                                                          fmt: str, profile: bool) -> None:
    out = tmp_path / "orders.yaml"
    args = ["import", "--format", fmt, sources[fmt], "--domain", "shop", "-o", str(out)]
    r = run_cli(*args, *(["--profile"] if profile else []))
    assert r.code == 0, r.err
    assert run_cli("validate", str(out), "--no-policy").code == 0
    test = run_cli("test", str(out), "--data", sources[fmt])
    assert test.code == 0, test.out + test.err
    fields = _fields(out.read_text())
    assert fields["amount"]["type"] == ("decimal(10,2)" if fmt != "csv" else "double")
    assert fields["placed_at"]["type"] == "timestamp"
    if fmt == "parquet":
        assert fields["tags"]["type"] == "array<string>"


def test_duckdb_declared_constraints_are_kept(sources: dict[str, str]) -> None:
    r = run_cli("import", "--format", "duckdb", sources["duckdb"])
    assert r.code == 0, r.err
    fields = _fields(r.out)
    assert fields["order_id"]["constraints"] == {"primary_key": True}
    assert fields["status"]["constraints"] == {"nullable": False}
    assert fields["email"]["constraints"] == {"unique": True}
    assert "constraints" not in fields["qty"]
    assert "proposed" not in r.out


def test_profile_proposes_enums_bounds_and_a_key_each_marked(sources: dict[str, str]) -> None:
    r = run_cli("import", "--format", "csv", sources["csv"], "--profile")
    assert r.code == 0, r.err
    fields = _fields(r.out)
    assert fields["status"]["constraints"]["enum"] == sorted({row[1] for row in ROWS})
    assert fields["order_id"]["constraints"] == {"primary_key": True}
    qty = [row[3] for row in ROWS if row[3] is not None]
    assert (fields["qty"]["constraints"]["min"], fields["qty"]["constraints"]["max"]) == (min(qty), max(qty))
    assert "nullable" not in fields["qty"]["constraints"]  # one null seen
    lines = r.out.splitlines()
    for key in ("enum:", "primary_key:", "min:", "max:"):
        marked = [ln for ln in lines if ln.strip().startswith(key)]
        assert marked and all("# proposed:" in ln for ln in marked), key


def test_unreadable_source_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "x.parquet"
    bad.write_text("not parquet")
    r = run_cli("import", "--format", "parquet", str(bad))
    assert r.code == 2 and "Traceback" not in r.err and str(bad) in r.err
    r = run_cli("import", "--format", "duckdb", f"{tmp_path}/none.duckdb::t")
    assert r.code == 2 and "no such file" in r.err


def test_import_to_odcs_validates_against_the_standard_and_the_data_passes(sources: dict[str, str],
                                                                            tmp_path: Path) -> None:
    from scaffolder.contract.load import load_file
    from scaffolder.odcs.schema import validate_odcs_structure

    out = tmp_path / "orders.odcs.yaml"
    r = run_cli("import", "--format", "duckdb", sources["duckdb"], "--profile", "--to", "odcs", "-o", str(out))
    assert r.code == 0, r.err
    doc = load_file(out)
    assert doc.data["apiVersion"].startswith("v3") and validate_odcs_structure(doc) == []
    props = {p["name"]: p for p in doc.data["schema"][0]["properties"]}
    assert props["order_id"]["primaryKey"] is True and props["status"]["required"] is True
    test = run_cli("test", str(out), "--data", sources["duckdb"])
    assert test.code == 0, test.out + test.err


def test_a_column_a_contract_cannot_state_is_a_located_error_not_a_crash(tmp_path: Path) -> None:
    import duckdb

    data = tmp_path / "weird.parquet"
    duckdb.connect().execute(f"COPY (SELECT {{'a b': 1}} AS s, 'x' AS k FROM range(3)) TO '{data}'")
    r = run_cli("import", "--format", "parquet", str(data), "--profile")
    assert r.code == 1 and "Traceback" not in r.err
    assert "weird.yaml:15:15: field 's'" in r.err and "enum: [x]  # proposed: the 1 value in 3 rows" in r.out
