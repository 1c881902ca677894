"""What leaves the process: no secret from the environment, no terminal control sequence."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from scaffolder.report.redact import MIN_LENGTH, is_secret_name, redact, secret_values
from scaffolder.report.sink import SafeStream, guarded_output
from scaffolder.report.terminal import escape_controls
from tests.conftest import SEED, run_cli

HOSTILE_OWNER = 'owner: "team\\e]0;pwned\\a\\e[2J\\u009b31m\\u202egpj.exe@x.io"'


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "c.yaml"
    text = SEED.read_text()
    assert 'owner: "team-orders@company.io"' in text
    path.write_text(text.replace('owner: "team-orders@company.io"', HOSTILE_OWNER))
    return path


def test_explain_shows_control_characters_instead_of_obeying_them(hostile: Path) -> None:
    r = run_cli("explain", str(hostile))
    assert r.code == 0, r.err
    for raw in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert raw not in r.out
    assert "team\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202egpj.exe@x.io" in r.out
    assert len(r.out.splitlines()) > 5  # multi-line output keeps its newlines


def test_json_output_stays_valid_json_with_the_real_value(hostile: Path) -> None:
    r = run_cli("explain", str(hostile), "--format", "json")
    assert "\x9b" not in r.out and "\u202e" not in r.out
    assert json.loads(r.out)["owner"] == "team\x1b]0;pwned\x07\x1b[2J\x9b31m\u202egpj.exe@x.io"


def test_a_secret_is_masked_on_stdout_and_stderr(tmp_path: Path) -> None:
    secret = "team-orders@company"
    env = {"SERVICE_PASSWORD": secret}
    r = run_cli("explain", str(SEED), env=env)
    assert secret not in r.out and "owned by ***.io" in r.out
    r = run_cli("validate", str(tmp_path / f"{secret}.yaml"), env=env)
    assert r.code == 2 and secret not in r.out + r.err and "***.yaml" in r.out + r.err


@pytest.mark.parametrize(("name", "secret"), [
    ("GITHUB_TOKEN", True), ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", True), ("AWS_SECRET_ACCESS_KEY", True),
    ("PGPASSWORD", True), ("DB_PASSWD", True), ("OPENAI_API_KEY", True), ("AWS_ACCESS_KEY_ID", True),
    ("SIGNING_KEY", True), ("GOOGLE_APPLICATION_CREDENTIALS", True), ("SSH_PRIVATE", True),
    ("DATADOG_APIKEY", True), ("HOME", False), ("MONKEY", False), ("KEYBOARD_LAYOUT", False),
    ("PATH", False), ("GITHUB_REPOSITORY", False), ("PWD", False),
])
def test_which_variables_are_secret(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_short_values_are_not_masked_and_url_passwords_are() -> None:
    env = {"FLAG_TOKEN": "true", "X_SECRET": "1", "DATABASE_URL": "postgres://app:hunter2pass@db:5432/x",
           "EMPTY_PASSWORD": ""}
    assert secret_values(env) == ["hunter2pass"]
    assert redact("true, 1 row; dsn postgres://app:hunter2pass@db", env) == "true, 1 row; dsn postgres://app:***@db"
    assert "x" * MIN_LENGTH in secret_values({"A_TOKEN": "x" * MIN_LENGTH})
    assert secret_values({"A_TOKEN": "x" * (MIN_LENGTH - 1)}) == []


def test_escaped_and_encoded_forms_are_masked() -> None:
    env = {"GITHUB_TOKEN": 'ghp_"quoted\\slash/é'}
    text = json.dumps({"v": env["GITHUB_TOKEN"]}, ensure_ascii=False) + " https://x/?t=ghp_%22quoted%5Cslash%2F%C3%A9"
    assert redact(text, env) == '{"v": "***"} https://x/?t=***'


def test_the_stream_masks_a_secret_printed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_TOKEN", "abc def ghi")
    out = io.StringIO()
    stream = SafeStream(out)
    print("abc", "def", "ghi", "\x1b[2J", file=stream)
    print("no newline yet: abc def", end="", file=stream)
    assert out.getvalue() == ""  # whole lines are passed on in chunks, or at flush
    print(" ghi", file=stream, flush=True)
    assert out.getvalue() == "*** \\u001b[2J\nno newline yet: ***\n"
    stream.write("x" * 10_000 + " abc def ghi\n" + "abc def")  # a chunk: whole lines go, the rest waits
    assert out.getvalue().endswith("x ***\n")
    stream.flush()
    assert out.getvalue().endswith("x ***\nabc def")


def test_guarded_output_restores_the_streams() -> None:
    import sys

    before = sys.stdout, sys.stderr
    with guarded_output():
        assert isinstance(sys.stdout, SafeStream) and sys.stdout.unfiltered is before[0]
    assert (sys.stdout, sys.stderr) == before


def test_escape_controls_keeps_tabs_newlines_and_text() -> None:
    assert escape_controls("a\tb\nc é ✓ 日本") == "a\tb\nc é ✓ 日本"
    assert escape_controls("\r\x00\x7f\x85\u2066") == "\\u000d\\u0000\\u007f\\u0085\\u2066"


def test_a_value_cannot_issue_a_workflow_command(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    text = SEED.read_text().replace("  version: 2.1.0\n", "  version: 2.1.0\n  description: \"orders\\n"
                                    "::set-output name=ok::true\\n  ::stop-commands::x\\n::warning::kept\"\n", 1)
    path.write_text(text)
    r = run_cli("explain", str(path), env={"GITHUB_ACTIONS": "true"})
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert "\\u003a:set-output name=ok::true" in lines and "  \\u003a:stop-commands::x" in lines
    assert "::warning::kept" in lines  # an annotation at worst, and ours are escaped by report.annotations
    assert not [line for line in lines if line.lstrip().startswith("::") and not line.startswith("::warning")]
