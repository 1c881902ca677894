"""Property: no mutated contract ever makes validation raise; findings are always located."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scaffolder.contract.policy import Mesh
from scaffolder.contract.validate import validate_text
from tests.conftest import SEED

SEED_TEXT = SEED.read_text()
SEED_LINES = SEED_TEXT.splitlines(keepends=True)
TOKENS = ["null", "~", "[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!binary ", "'", '"', "\t", "\n", "  ",
          "1e309", "-1", "2025-13-45", "true", "decimal(", "array<", "%", "\\", "\x00", "é", "::", "? "]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            token = draw(st.sampled_from(TOKENS) | st.text(max_size=4))
            cut = pos + (draw(st.integers(0, 5)) if op == "replace" else 0)
            lines[i] = line[:pos] + token + line[cut:]
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_validation_never_raises(text):
    result = validate_text(text, "fuzz.yaml", mesh=Mesh(root=SEED.parent))
    for f in result.findings:
        assert f.location.path == "fuzz.yaml"
        assert f.location.line is not None and f.location.line >= 1
        assert f.rule and f.message


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(raw):
    from scaffolder.contract.load import LoadError, decode

    try:
        text = decode("bytes.yaml", raw)
    except LoadError as exc:
        assert exc.findings[0].location.line >= 1
        return
    validate_text(text, "bytes.yaml")
