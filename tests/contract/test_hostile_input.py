"""Issue 14's contract-input crashes: each hostile contract is a located error, never exit 3.

Every case edits the known-good `base.yaml` and runs validate, explain, diff
(both ways) and dbt-schema on it; validate must name the exact line, column
and rule.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scaffolder.contract.load import text_end
from tests.conftest import run_cli
from tests.contract.inproc import run_main

BASE_PATH = Path(__file__).parent / "base.yaml"
BASE = BASE_PATH.read_text()


def _edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


CASES = {
    # item: (content, (line, col, rule, words))
    "5-enum-of-lists": (_edit("{min: 0, max: 10000}", "{enum: [[a]]}"),
                        (20, 30, "wrong-type", "enum[0] must be a string or a number")),
    "6-owner-4000-hex-digits": (_edit("owner: team-orders@company.io", "owner: 0x" + "f" * 4000),
                                (8, 10, "yaml-bad-value", "integer too large")),
    "6-version-4000-hex-digits": (_edit("version: 1.0.0", "version: 0x" + "f" * 4000),
                                  (6, 12, "yaml-bad-value", "integer too large")),
    "6-decimal-4400-digits": (_edit("decimal(10,2)", "decimal(" + "9" * 4400 + ",2)"),
                              (19, 15, "unknown-type", "is too large")),
    "6-integer-5000-decimal-digits": (_edit("threshold: 0.99", "threshold: " + "9" * 5000),
                                      (28, 20, "yaml-bad-value", "integer too large")),
    "6-version-string-5000-digits": (_edit("version: 1.0.0", f'version: "{"9" * 5000}.0.0"'),
                                     (6, 12, "invalid-semver", "longer than 256 characters")),
    "7-threshold-0x-300-f": (_edit("threshold: 0.99", "threshold: 0x" + "f" * 300),
                             (28, 20, "yaml-bad-value", "integer too large")),
    "8-array-nested-330-deep": (_edit("type: string", "type: " + "array<" * 330 + "int" + ">" * 330),
                                (16, 15, "unknown-type", "nests deeper than 32 levels")),
    "8-map-nested-33-deep": (_edit("type: string", "type: " + "map<string," * 33 + "int" + ">" * 33),
                             (16, 15, "unknown-type", "nests deeper than 32 levels")),
    "10-timezone-etc-gmt+14": (_edit("timezone: UTC", "timezone: Etc/GMT+14"),
                               (23, 50, "invalid-timezone", "unknown time zone 'Etc/GMT+14'")),
    "10-timezone-path": (_edit("timezone: UTC", "timezone: ../../../etc/passwd"),
                         (23, 50, "invalid-timezone", "unknown time zone '../../../etc/passwd'")),
    "10-timezone-case": (_edit("timezone: UTC", "timezone: europe/berlin"),
                         (23, 50, "invalid-timezone", "did you mean 'Europe/Berlin'?")),
    "16-cut-mid-mapping": (BASE[:BASE.index("  sla:")] + "  owner: {a: 1, b",
                           (9, 18, "yaml-syntax", "")),
    "19-arabic-indic-digit": (_edit("version: 1.0.0", 'version: "2.1\u0661.0"'),
                              (6, 12, "invalid-semver", "invalid semantic version")),
    "19-trailing-newline": (_edit("version: 1.0.0", 'version: "2.1.0\\n"'),
                            (6, 12, "invalid-semver", "invalid semantic version")),
    "19-name-trailing-newline": (_edit("name: orders.order_events", 'name: "orders.order_events\\n"'),
                                 (4, 9, "wrong-value", "product names use lowercase")),
    "19-freshness-other-digits": (_edit("freshness: 15m", 'freshness: "1\u0665m"'),
                                  (10, 16, "wrong-value", "a duration is")),
    "19-availability-other-digits": (_edit('availability: "99.9%"', 'availability: "9\u0669.9%"'),
                                     (11, 19, "invalid-sla", "invalid percentage")),
    "20-merge-key-scalar": (_edit("  sla:\n", '  sla:\n    <<: "x"\n'),
                            (10, 9, "yaml-bad-merge", "a merge key (<<) takes a mapping")),
    "20-merge-key-list-with-scalar": (_edit("  sla:\n", "  sla:\n    <<: [{a: 1}, 3]\n"),
                                      (10, 18, "yaml-bad-merge", "not the value '3'")),
}


def _clean(result, *, codes=(1,)) -> None:
    both = result.out + result.err
    assert result.code in codes, both
    assert "Traceback" not in both and "internal error" not in both, both


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_contract_is_a_located_error(name, tmp_path):
    content, (line, col, rule, words) = CASES[name]
    path = tmp_path / "c.yaml"
    path.write_text(content, "utf-8")
    result = run_main("validate", "--no-policy", str(path))
    _clean(result)
    hits = [ln for ln in result.out.splitlines() if ln.endswith(f"[{rule}]") and words in ln]
    assert hits == [hit for hit in hits if hit.startswith(f"{path}:{line}:{col}: ")] != [], result.out
    last = text_end(content)[0]
    for loc in re.findall(rf"^{re.escape(str(path))}:(\d+):\d+: ", result.out, re.M):
        assert 1 <= int(loc) <= last
    _clean(run_main("explain", str(path)))
    _clean(run_main("dbt-schema", str(path)))
    _clean(run_main("diff", str(BASE_PATH), str(path)))
    _clean(run_main("diff", str(path), str(BASE_PATH)), codes=(0, 1))


def test_32_levels_of_nesting_are_allowed(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(_edit("type: string", "type: " + "array<" * 32 + "int" + ">" * 32))
    assert run_main("validate", "--no-policy", str(path)).code == 0
    assert run_main("dbt-schema", str(path)).code == 0


def test_valid_zone_and_ascii_semver_still_pass(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(_edit("timezone: UTC", "timezone: Europe/Berlin").replace("version: 1.0.0", "version: 2.1.0-rc.1"))
    assert run_main("validate", "--no-policy", str(path)).code == 0


def _data(tmp_path: Path) -> Path:
    import duckdb

    data = tmp_path / "d.parquet"
    duckdb.sql("COPY (SELECT 'o1' AS order_id, 5.5::DECIMAL(10,2) AS amount, "
               f"TIMESTAMP '2026-01-01 00:00:00' AS event_ts) TO '{data}' (FORMAT parquet)")
    return data


def _test(path: Path, data: Path):
    return run_main("test", str(path), "--data", str(data), "--now", "2026-01-01T00:05:00Z")


@pytest.mark.parametrize("zone", ["Etc/GMT+14", "../../../etc/passwd"])
def test_bad_timezone_is_caught_before_test_reads_data(zone, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(_edit("timezone: UTC", f"timezone: {zone}"))
    result = _test(path, _data(tmp_path))
    _clean(result)
    assert f"{path}:23:50: unknown time zone {zone!r}" in result.out + result.err


def test_timestamp_bounds_past_year_9999_in_utc(tmp_path):
    """Found while fuzzing: an offset bound at the calendar's edge overflowed converting to UTC."""
    path = tmp_path / "c.yaml"
    path.write_text(_edit("{nullable: false, timezone: UTC}",
                          '{nullable: false, min: "0001-01-01T00:00:00+14:00", max: "9999-12-31T23:59:59-14:00"}'))
    result = _test(path, _data(tmp_path))
    _clean(result)
    assert f"{path}:23:45: event_ts.min: bound '0001-01-01T00:00:00+14:00' is out of range" in result.out
    assert f"{path}:23:79: event_ts.max: bound '9999-12-31T23:59:59-14:00' is out of range" in result.out


def test_numeric_bounds_past_128_bits(tmp_path):
    """Found while fuzzing: DuckDB binds at most 128-bit integers; a 99-digit bound is still a bound."""
    path = tmp_path / "c.yaml"
    path.write_text(_edit("{min: 0, max: 10000}", "{min: " + "9" * 99 + "}")
                    .replace("{min_value: 0, max_value: 100000}", "{min_value: -" + "9" * 99 + "}"))
    result = _test(path, _data(tmp_path))
    _clean(result)
    assert f"{path}:20:28: amount.min: 1 of 1 values is out of bounds [check-failed]" in result.out
    assert "amount.values_to_be_between  amount    0 / 1" in result.out


def test_a_real_run_of_a_hostile_contract(tmp_path):
    """The same in a separate process: the exit code and stderr a user sees."""
    path = tmp_path / "c.yaml"
    path.write_text(CASES["7-threshold-0x-300-f"][0])
    result = run_cli("validate", "--no-policy", str(path))
    _clean(result)
    assert f"{path}:28:20: integer too large" in result.out


@pytest.mark.parametrize("name", ["[order_id]", "{a: 1}"])
def test_dbt_schema_check_with_a_column_name_that_is_not_text(name, tmp_path):
    """Found by the fuzz test: a list or mapping as a column name was used as a dict key."""
    schema = tmp_path / "schema.yml"
    schema.write_text(run_main("dbt-schema", str(BASE_PATH)).out.replace("- name: order_id", f"- name: {name}"))
    result = run_main("dbt-schema", str(BASE_PATH), "--check", str(schema))
    _clean(result)
    assert re.search(rf"{re.escape(str(schema))}:\d+:\d+: column 'order_id' of the contract is missing", result.out)


@pytest.mark.parametrize("raw, where, words", [
    (b"a: 1\r\x00b: 2\n", "2:1", "file contains a NUL byte"),  # a lone CR ends a line for YAML too
    (b"\xef\xbb\xbfa: 1\nb: \xff\n", "2:4", "file is not UTF-8 text"),  # offsets count after the BOM
    (b"a: 1\nb: \x0c\n", "2:4", "character U+000C is not allowed in YAML"),  # was 1:1, the parser's offset
])
def test_unreadable_characters_are_located(raw, where, words, tmp_path):
    """Found by the fuzz test: NUL bytes and bad characters were placed on the wrong line or at 1:1."""
    path = tmp_path / "c.yaml"
    path.write_bytes(raw)
    result = run_main("validate", "--no-policy", str(path))
    _clean(result)
    assert f"{path}:{where}: {words}" in result.out
