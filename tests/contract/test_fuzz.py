"""Property: no mutated contract makes a command crash; every message points inside the file.

Mutations of known-good contracts (line edits, hostile values and keys,
truncation) go through validate, explain, diff (both ways), dbt-schema and
test, in process (the CLI's main() with arguments) so that hundreds of runs
fit in the default suite. Examples are derandomized there (the same inputs on
every run: CI stays stable, no example database); `SCAFFOLDER_FUZZ=N` (the
`nox -s fuzz` session) runs N times as many random examples.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.contract.load import split_lines, text_end
from scaffolder.contract.policy import Mesh
from scaffolder.contract.validate import validate_text
from tests.conftest import SEED, run_cli
from tests.contract.inproc import run_main

BASE = Path(__file__).parent / "base.yaml"
SEEDS = {"seed": SEED.read_text(), "base": BASE.read_text()}
SEEDS["dbt"] = run_main("dbt-schema", str(BASE)).out  # the schema.yml that agrees with base.yaml
SEED_TEXT = SEEDS["seed"]
FUZZ = int(os.environ.get("SCAFFOLDER_FUZZ", "0") or 0)  # 0: the default suite's bounded run


def fuzz_settings(examples: int) -> settings:
    """`examples` derandomized examples by default; FUZZ times as many random ones in a long run."""
    return settings(max_examples=examples * max(FUZZ, 1), deadline=None, derandomize=not FUZZ, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


TOKENS = ["null", "~", "[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!binary ", "'", '"', "\t", "\n", "  ",
          "1e309", "-1", "2025-13-45", "true", "decimal(", "array<", "%", "\\", "\x00", "é", "::", "? ",
          "<<: ", "\u2028", "\r", "\ufeff", "\x85", "\u0661", "0x", "#"]
# Values that broke a command once (issue 14) or sit on a boundary: huge numbers, lists where
# scalars go, deep types, zone names that are paths, other scripts' digits, odd YAML tags.
VALUES = [
    "0x" + "f" * 300, "9" * 5000, "0x" + "f" * 4000, "9" * 120, "-" + "9" * 400 + ".5", "1e309", "-.inf", ".nan",
    "[[a]]", "[{a: 1}]", "{a: [b]}", "[]", "{}", "null", "~", "''", '"\\n"', "-1", "0", "1.5", "true",
    "2025-02-30", "9999-12-31T23:59:59", "0001-01-01", "10000-01-01", "2025-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9" * 99, "-" + "9" * 60,
    "Etc/GMT+14", "../../../etc/passwd", "Europe/Berlin", "UTC", '"2.1\u0661.0"', '"2.1.0\\n"', "2.1.0-rc.1+b.7",
    "array<" * 40 + "int" + ">" * 40, "array<" * 32 + "int" + ">" * 32, "decimal(" + "9" * 50 + ",2)",
    "decimal(38,39)", "decimal(0,0)", "map<string,array<int>>", "struct<a:int,a:int>", "struct<>",
    '"\\e]0;x\\a"', "*a", "&a x", "!!binary aGk=", "!!str 1", "!!int 1", "!!timestamp 2025-01-01",
    "!!python/object/apply:os.system [echo]", "15m", "15 minutes", "0s", "99.9%", "150%", '"1\u0665m"',
    "expect_column_values_to_be_between", "expect_column_values_to_match_regex",
    "{min_value: 0, max_value: [1]}", "{regex: '(?<=x)'}", "{regex: '(a'}", "{min_value: b, max_value: a}",
    "order_id", "amount", "event_ts", "nope", "x" * 300,
]
FLOW_VALUES = [v for v in VALUES if not v.startswith(("!!", "&", "*"))]
KEYS = ["<<", "enum", "timezone", "threshold", "min", "max", "pattern", "nullable", "null", "primary_key",
        "unique", "pii", "masking", "min_length", "max_length", "renamed_from", "deprecated", "x-ext", "version",
        "sunset", "status", "compatibility", "freshness", "freshness_column", "availability", "type", "name",
        "column", "assertion", "value", "upstream", "roles"]
_KEY_LINE = re.compile(r"^(\s*(?:- )?[\w<-]+:[ \t]*)(.*)$")


@st.composite
def mutated(draw: st.DrawFn, seeds: tuple[str, ...] = ("seed",)) -> str:
    lines = SEEDS[draw(st.sampled_from(seeds))].splitlines(keepends=True)
    # Half the examples keep the YAML well-formed (hostile values and keys only), so that the
    # schema, meaning, diff, dbt and data stages see them, not only the parser.
    gentle = ["value", "key", "flow"]
    ops = gentle if draw(st.booleans()) else [*gentle, "delete", "duplicate", "swap", "insert", "replace"]
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(ops))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "value":  # keep the structure, so the later stages see the hostile value
            m = _KEY_LINE.match(lines[i].rstrip("\n"))
            if m and m.group(2):  # a scalar or flow value, not the head of a block
                lines[i] = m.group(1).rstrip() + " " + draw(st.sampled_from(VALUES)) + "\n"
        elif op == "flow":  # a key inside a flow mapping: constraints, check values
            at = lines[i].find("{")
            if at >= 0:
                pair = f" {draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(FLOW_VALUES))},"
                lines[i] = lines[i][:at + 1] + pair + lines[i][at + 1:]
        elif op == "key":
            indent = re.match(r"\s*(?:- )?", lines[i]).group(0).replace("-", " ")
            lines.insert(i, f"{indent}{draw(st.sampled_from(KEYS))}: {draw(st.sampled_from(VALUES))}\n")
        else:
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            token = draw(st.sampled_from(TOKENS) | st.text(max_size=4))
            cut = pos + (draw(st.integers(0, 5)) if op == "replace" else 0)
            lines[i] = line[:pos] + token + line[cut:]
    text = "".join(lines)
    if draw(st.integers(0, 9)) == 0:  # cut off, often mid-line and without a final newline
        text = text[:draw(st.integers(len(text) // 3, max(len(text), 1)))]
    return text


def assert_located(output: str, path: Path, text: str) -> None:
    """Every `PATH:LINE:COL` naming `path` points at a line and column the file has.

    Lines as the YAML parser counts them (CR, LF, CRLF, NEL, LS, PS): its marks use them.
    """
    last = text_end(text)[0]
    lines = split_lines(text)
    for m in re.finditer(re.escape(str(path)) + r":(\d+):(\d+)", output):
        line, col = int(m.group(1)), int(m.group(2))
        assert 1 <= line <= last, f"line {line} of a file of {last}: {m.group(0)}\n{output}"
        width = len(lines[line - 1]) if line <= len(lines) else 0
        assert 1 <= col <= width + 1, f"column {col} of a line of {width}: {m.group(0)}\n{output}"


def assert_clean(result, path: Path, text: str) -> None:
    both = result.out + result.err
    assert result.code in (0, 1, 2), both
    assert "Traceback" not in both and "internal error" not in both, both
    assert_located(both, path, text)


@fuzz_settings(300)
@given(mutated(("seed", "base")))
def test_validation_never_raises(text):
    result = validate_text(text, "fuzz.yaml", mesh=Mesh(root=SEED.parent))
    last = text_end(text)[0]
    for f in result.findings:
        assert f.location.path == "fuzz.yaml"
        assert f.location.line is not None and 1 <= f.location.line <= last, f.text()
        assert f.rule and f.message


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder without mesh.yaml, base.yaml's data as Parquet, and the file the fuzzed text goes to."""
    import duckdb

    root = tmp_path_factory.mktemp("fuzz")
    data = root / "d.parquet"
    duckdb.sql("COPY (SELECT 'o' || i AS order_id, (i * 1.5)::DECIMAL(10,2) AS amount, "
               "TIMESTAMP '2026-01-01 00:00:00' + INTERVAL (i) MINUTE AS event_ts FROM range(5) t(i)) "
               f"TO '{data}' (FORMAT parquet)")
    return root


@fuzz_settings(150)
@given(text=mutated(("seed", "base")))
def test_commands_never_crash_on_a_mutated_contract(workdir, text):
    path = workdir / "c.yaml"
    path.write_text(text, "utf-8", newline="")  # bytes as drawn: CR, NEL and LS stay what they are
    text = path.read_bytes().decode("utf-8", "replace")
    mesh = ("--mesh-root", str(workdir))
    validate = run_main("validate", str(path), *mesh)
    assert_clean(validate, path, text)
    if validate.code == 1:
        assert re.search(re.escape(str(path)) + r":\d+:\d+: ", validate.out), validate.out
    assert_clean(run_main("explain", str(path)), path, text)
    assert_clean(run_main("dbt-schema", str(path)), path, text)
    assert_clean(run_main("diff", str(BASE), str(path), *mesh), path, text)
    assert_clean(run_main("diff", str(path), str(BASE), *mesh), path, text)
    if validate.code == 0:
        assert_clean(run_main("test", str(path), "--data", str(workdir / "d.parquet"),
                              "--now", "2026-01-01T01:00:00Z", "--samples", "2"), path, text)


@fuzz_settings(100)
@given(text=mutated(("dbt",)))
def test_dbt_schema_check_never_crashes_on_a_mutated_schema_yml(workdir, text):
    path = workdir / "schema.yml"
    path.write_text(text, "utf-8", newline="")
    text = path.read_bytes().decode("utf-8", "replace")
    for fmt in ("text", "json"):
        result = run_main("dbt-schema", str(BASE), "--check", str(path), "--format", fmt)
        assert_clean(result, path, text)


@fuzz_settings(3)
@given(text=mutated(("base",)))
def test_a_real_process_never_crashes_either(tmp_path_factory, text):
    """The same through `python -m scaffolder`: what a user's shell sees (exit code, stderr)."""
    path = tmp_path_factory.mktemp("proc") / "c.yaml"
    path.write_text(text, "utf-8", newline="")
    text = path.read_bytes().decode("utf-8", "replace")
    for args in (("validate", "--no-policy", str(path)), ("explain", str(path))):
        assert_clean(run_cli(*args), path, text)


@fuzz_settings(200)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(raw):
    from scaffolder.contract.load import LoadError, decode

    try:
        text = decode("bytes.yaml", raw)
    except LoadError as exc:
        assert exc.findings[0].location.line >= 1
        return
    validate_text(text, "bytes.yaml")
