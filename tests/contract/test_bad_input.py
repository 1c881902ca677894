"""Every kind of bad input gives exit 1 and a located message naming the exact line.

Each case edits a known-good contract (`base.yaml`) and asserts the
`PATH:LINE:COL: message [rule]` line a user would see.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

BASE = (Path(__file__).parent / "base.yaml").read_text()


def _edit(*pairs: tuple[str, str]) -> str:
    text = BASE
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


CASES = {
    # name: (file content, [(line, col, rule, words in the message)])
    "yaml-syntax": ("apiVersion: datamesh.io/v1\nkind: [\n", [(3, 1, "yaml-syntax", "expected")]),
    "yaml-syntax-tab": (_edit(("  domain: orders", "\tdomain: orders")), [(5, 1, "yaml-syntax", "")]),
    "duplicate-key": (_edit(("  domain: orders\n", "  domain: orders\n  domain: billing\n")),
                      [(6, 3, "yaml-duplicate-key", 'duplicate key "domain"')]),
    "not-a-mapping": ("- a\n- b\n", [(1, 1, "yaml-not-mapping", "document is a list")]),
    "scalar-document": ("just text\n", [(1, 1, "yaml-not-mapping", "document is a str")]),
    "empty": ("", [(1, 1, "yaml-empty", "file is empty")]),
    "only-comments": ("# nothing here\n\n", [(1, 1, "yaml-empty", "file is empty")]),
    "unknown-key": (_edit(("  owner:", "  ownr:")),
                    [(7, 1, "missing-key", "missing required key 'owner'"),
                     (8, 3, "unknown-key", "did you mean 'owner'?")]),
    "unknown-constraint": (_edit(("{primary_key: true}", "{primary_key: true, uniq: true}")),
                           [(17, 42, "unknown-key", "did you mean 'unique'?")]),
    "wrong-type": (_edit(("version: 1.0.0", "version: 1.0")),
                   [(6, 12, "wrong-type", 'quote it: "1.0"')]),
    "wrong-api-version": (_edit(("datamesh.io/v1", "datamesh.io/v2")),
                          [(1, 13, "wrong-value", "must be 'datamesh.io/v1'")]),
    "bad-semver": (_edit(("version: 1.0.0", 'version: "1.0"')),
                   [(6, 12, "invalid-semver", "invalid semantic version '1.0'")]),
    "bad-regex": (_edit(("{nullable: false, timezone: UTC}", '{nullable: false, timezone: UTC}'),
                        ("{primary_key: true}", '{primary_key: true, pattern: "([a-z"}')),
                  [(17, 51, "invalid-regex", "invalid regex")]),
    "re2-lookaround": (_edit(("{primary_key: true}", '{primary_key: true, pattern: "^(?!x)"}')),
                       [(17, 51, "invalid-regex", "lookaround")]),
    "min-greater-than-max": (_edit(("{min: 0, max: 10000}", "{min: 10, max: 1}")),
                             [(20, 28, "bound-order", "min 10 is greater than max 1")]),
    "constraint-does-not-fit-type": (_edit(("{primary_key: true}", "{primary_key: true, timezone: UTC}")),
                                     [(17, 42, "constraint-type-mismatch", "timezone applies to timestamp")]),
    "min-length-on-decimal": (_edit(("{min: 0, max: 10000}", "{min: 0, min_length: 2}")),
                              [(20, 31, "constraint-type-mismatch", "min_length applies to string")]),
    "check-on-missing-column": (_edit(("column: amount", "column: amout")),
                                [(26, 17, "invalid-check", "did you mean 'amount'?")]),
    "unknown-assertion": (_edit(("assertion: expect_column_values_to_be_between", "assertion: expect_column_values_to_be_betwen")),
                          [(27, 20, "invalid-check", "did you mean 'expect_column_values_to_be_between'?")]),
    "threshold-outside-0-1": (_edit(("threshold: 0.99", "threshold: 1.5")),
                              [(28, 20, "invalid-check", "threshold 1.5 is outside 0..1")]),
    "deprecated-without-sunset": (_edit(("  version: 1.0.0\n", "  version: 1.0.0\n  status: deprecated\n")),
                                  [(7, 11, "sunset-required", "metadata.sunset is missing")]),
    "duplicate-field": (_edit(("      - name: amount", "      - name: order_id")),
                        [(18, 15, "duplicate-field", "'order_id' is defined twice (first at line 15)"),
                         (26, 17, "invalid-check", "unknown column 'amount'")]),
    "unknown-type": (_edit(("type: timestamp", "type: timestmp")),
                     [(22, 15, "unknown-type", "did you mean 'timestamp'?")]),
    "bad-freshness": (_edit(("freshness: 15m", "freshness: 15 minutes")),
                      [(10, 16, "wrong-value", "<integer><s|m|h|d>")]),
    "column-list-of-lists": (BASE + "      - assertion: expect_compound_columns_to_be_unique\n"
                             "        value: {column_list: [order_id, [amount]]}\n",
                             [(31, 41, "invalid-check", "value.column_list holds a list, not a column name")]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_located(name, tmp_path):
    content, expected = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(content)
    result = run_cli("validate", str(path), "--no-policy", cwd=tmp_path)
    assert result.code == 1, result.out + result.err
    assert "Traceback" not in result.out + result.err
    lines = [ln for ln in result.out.splitlines() if ln.startswith(str(path))]
    assert len(lines) == len(expected), result.out
    for line, (ln, col, rule, words) in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}:{ln}:{col}: "), line
        assert line.endswith(f"[{rule}]"), line
        assert words in line, line


def test_every_error_is_reported_not_only_the_first(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text(_edit(("version: 1.0.0", 'version: "1.0"'), ("{min: 0, max: 10000}", "{min: 10, max: 1}"),
                          ("threshold: 0.99", "threshold: 1.5"), ("type: timestamp", "type: timestmp")))
    result = run_cli("validate", str(path), cwd=tmp_path)
    rules = [ln.rsplit("[", 1)[1] for ln in result.out.splitlines() if ln.startswith(str(path))]
    assert rules == ["invalid-semver]", "bound-order]", "unknown-type]", "invalid-check]"]


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"apiVersion: x\n\x89PNG\x00\xff\xfe")
    result = run_cli("validate", str(path))
    assert result.code == 1
    assert f"{path}:2:" in result.out and "[file-not-text]" in result.out


def test_file_over_5_mb(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * (5 * 1024 * 1024 + 10))
    result = run_cli("validate", str(path))
    assert result.code == 1
    assert f"{path}:1:1: file is" in result.out and "[file-too-large]" in result.out


def test_billion_laughs_is_refused(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("validate", str(path))
    assert result.code == 1
    assert "[yaml-too-many-aliases]" in result.out and "alias bomb" in result.out


def test_more_than_1000_aliases(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("a: &a x\n" + "".join(f"b{i}: *a\n" for i in range(1100)))
    result = run_cli("validate", str(path))
    assert result.code == 1
    assert f"{path}:1002:" in result.out and "more than 1000 aliases" in result.out


def test_deep_nesting(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("k: " + "[" * 5000 + "]" * 5000 + "\n")
    result = run_cli("validate", str(path))
    assert result.code == 1 and "Traceback" not in result.err
    assert "[yaml-too-deep]" in result.out


def test_json_output_has_the_same_locations(tmp_path):
    import json

    path = tmp_path / "c.yaml"
    path.write_text(_edit(("{min: 0, max: 10000}", "{min: 10, max: 1}")))
    result = run_cli("validate", str(path), "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["ok"] is False
    (finding,) = report["contracts"][0]["findings"]
    assert (finding["rule"], finding["line"], finding["col"]) == ("bound-order", 20, 28)
    assert finding["path"] == "$.spec.schema.fields[1].constraints.min"


def test_github_annotations(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(_edit(("{min: 0, max: 10000}", "{min: 10, max: 1}")))
    result = run_cli("validate", str(path), "--format", "github")
    assert result.out.strip() == f"::error file={path},line=20,col=28,title=bound-order::'amount': min 10 is greater than max 1"


def test_missing_file_is_usage_error(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert "no such file" in result.err and "Traceback" not in result.err


def test_bad_option_is_usage_error():
    result = run_cli("validate", "--format", "xml")
    assert result.code == 2
