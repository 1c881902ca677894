"""A small wrapper over regopy, the Python binding of rego-cpp.

Why regopy: it evaluates OPA-compatible Rego v1 in process (no `opa` binary,
no server), installs from PyPI as one wheel without dependencies, and its
built-ins include no file access; the two that reach outside the policy
(`opa.runtime`, which returns the process environment, and `http.send`,
unavailable but named) are refused before a module is loaded, so a policy
in a pull request cannot read secrets, files or the network.

Every failure is a `PolicyError` located at `file:line:col`: a syntax error
where rego-cpp found it, a runtime error (conflict, type error) at the rule
that was queried.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scaffolder.errors import UsageError
from scaffolder.report.finding import Finding, Location

# Built-ins that reach outside the policy (the environment, the network) or write to our stdout.
FORBIDDEN = ("opa.runtime", "http.send", "net.lookup_ip_addr", "print")
_FORBIDDEN_RE = re.compile(r"(?<![\w.])(" + "|".join(
    r"\s*\.\s*".join(map(re.escape, name.split("."))) for name in FORBIDDEN) + r")\b")
_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|#[^\n]*')
# rego-cpp 1.5 crashes the process on `with input as X` when the rule calls a built-in, and on
# `with input.k as input...`; `with input.k as value` (a key at a time) works.
_WITH_INPUT_REF = re.compile(r"\bwith\s+input(?:\s+as\b|\.[\w.]+\s+as\s+input\b)")
# rego-cpp 1.5 silently ignores `with x as r` when r is a rule (not a local variable or a literal).
_WITH_VALUE = re.compile(r"\bwith\s+[\w.\[\]\"]+\s+as\s+([A-Za-z_][\w.]*)(?!\s*\()")
_TOP_NAME = re.compile(r"^([A-Za-z_]\w*)\b", re.M)
_IMPORT = re.compile(r"^import\s+([\w.]+)(?:\s+as\s+(\w+))?", re.M)
_ERROR = re.compile(r"\(error (\d+):")
_ERRORMSG = re.compile(r"\(errormsg (\d+):")


class PolicyError(UsageError):
    """A Rego module that does not parse, refuses a rule, or fails at run time (exit 2)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 col: int | None = None, code: str = "rego-error"):
        self.location = Location(path, line, col)
        self.code = code
        self.message_only = message
        super().__init__(f"{self.location.prefix()}: {message} [{code}]")

    def finding(self) -> Finding:
        return Finding(f"policy-{self.code}", self.message_only, location=self.location)


@dataclass
class _Module:
    name: str
    source: str

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a byte offset into the module."""
        before = self.source.encode()[:offset].decode(errors="replace")
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1

    def rule_position(self, rule: str) -> tuple[int, int]:
        """Where `rule` is first defined (for runtime errors, which rego-cpp does not locate)."""
        match = re.search(rf"^[ \t]*(?:default\s+)?{re.escape(rule)}\b", self.source, re.M)
        if match is None:
            return 1, 1
        line = self.source.count("\n", 0, match.start()) + 1
        return line, match.start() - (self.source.rfind("\n", 0, match.start()) + 1) + 1


def _regopy():
    from scaffolder.extras import require

    return require("regopy", "policy", "Rego policies")


def check_sandbox(name: str, source: str) -> None:
    """Refuse a module that calls a built-in reaching the environment or the network,
    or that uses a construct on which rego-cpp crashes the process (a located error, not a crash)."""
    blanked = _STRING_OR_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)
    hit = _FORBIDDEN_RE.search(blanked)
    if hit:
        builtin = re.sub(r"\s+", "", hit.group())
        raise PolicyError(f"{builtin} is not allowed in mesh policies: a policy reads only its input "
                          "(no environment, files or network)", name, *_line_col(blanked, hit.start()),
                          "forbidden-builtin")
    hit = _WITH_INPUT_REF.search(blanked)
    if hit:
        raise PolicyError("`with input as ...` (the whole input, or a value read from input) crashes the "
                          "Rego engine (rego-cpp): replace one key at a time, with a literal or a variable, "
                          "e.g. `deny with input.contract as c`",
                          name, *_line_col(blanked, hit.start()), "unsupported")

    rules = {m.group(1) for m in _TOP_NAME.finditer(blanked)} - {"package", "import", "default"}
    rules |= {m.group(2) or m.group(1).rsplit(".", 1)[-1] for m in _IMPORT.finditer(blanked)} | {"data"}
    for hit in _WITH_VALUE.finditer(blanked):
        if hit.group(1).split(".")[0] in rules:
            raise PolicyError(f"`with ... as {hit.group(1)}`: the Rego engine (rego-cpp) ignores a rule "
                              "used as a `with` value; bind it to a local variable first "
                              f"(`c := {hit.group(1)}; ... with input.contract as c`)",
                              name, *_line_col(blanked, hit.start(1)), "unsupported")


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """rego-cpp prints parse errors on file descriptor 1; keep our own output clean."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout.flush()
    fd = 1  # the C library writes to descriptor 1 whatever sys.stdout is
    saved = os.dup(fd)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        _c_flush()  # C++ streams buffer in C stdio: flush while still pointed at devnull
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


def _c_flush() -> None:
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


class Engine:
    """Rego modules loaded once, queried many times with different inputs."""

    def __init__(self, modules: dict[str, str], data: dict[str, Any] | None = None):
        regopy = _regopy()
        self.modules = {name: _Module(name, src) for name, src in modules.items()}
        for module in self.modules.values():
            check_sandbox(module.name, module.source)
        self._rego = regopy.Interpreter()
        self._rego.strict_built_in_errors = True  # a failing built-in is an error, not "undefined"
        for module in self.modules.values():
            try:
                with _quiet_stdout():
                    self._rego.add_module(module.name, module.source)
            except regopy.RegoError as exc:
                raise self._syntax_error(str(exc), module) from None
        if data:
            self._rego.add_data(data)

    def _syntax_error(self, text: str, module: _Module) -> PolicyError:
        name, offset, message = _parse_error(text)
        where = self.modules.get(name or "", module)
        line, col = where.position(offset) if offset is not None else (1, 1)
        return PolicyError(message or "invalid Rego", where.name, line, col, "syntax")

    def query(self, query: str, input: Any = None) -> Any:
        """The value of `query` (a single expression) for `input`; None when undefined."""
        values = self.query_all(query, input)
        return values[0] if values else None

    def query_all(self, query: str, input: Any = None) -> list[Any]:
        """Every result of `query`: the first expression's value per result."""
        from regopy.rego_shared import rego_query

        def call() -> Any:
            with _quiet_stdout():  # rego-cpp prints compile errors found at query time
                return rego_query(self._rego._impl, query)

        return self._run(call, query, input)

    def prepare(self, query: str) -> Prepared:
        """`query` compiled once (a rego-cpp bundle), for many inputs: much cheaper per call."""
        regopy = _regopy()
        # Compile errors first, through a plain query: rego-cpp 1.5 reports them there, but
        # crashes when a bundle holding them is queried.
        self.query_all(query, {})
        try:
            with _quiet_stdout():
                bundle = self._rego.build(query)
        except regopy.RegoError as exc:
            raise self._runtime_error([str(exc)], query) from None
        return Prepared(self, query, bundle)

    def _run(self, call: Any, query: str, input: Any) -> list[Any]:
        from regopy import Input
        from regopy.rego_shared import (
            RegoError,
            rego_free_output,
            rego_output_node,
            rego_output_ok,
            rego_output_string,
        )

        impl = None
        try:
            self._rego.set_input(Input(input if input is not None else {}))
            impl = call()
            if not rego_output_ok(impl):
                raise self._runtime_error(_error_messages(rego_output_node(impl)), query)
            text = rego_output_string(impl)
        except RegoError as exc:
            raise self._runtime_error([str(exc)], query) from None
        finally:
            if impl is not None:
                rego_free_output(impl)
        if text == "undefined":
            return []
        if text.startswith("(error"):
            _name, _offset, message = _parse_error(text)
            raise self._runtime_error([message or text], query)
        try:
            out = json.loads(text)
        except json.JSONDecodeError:
            raise self._runtime_error(["the Rego engine (rego-cpp) returned malformed JSON; a known cause "
                                       "is sprintf(\"%s\") of a computed string: join with concat instead"],
                                      query) from None
        results = out if isinstance(out, list) else [out]
        return [r["expressions"][0] for r in results if r.get("expressions")]

    def _runtime_error(self, messages: list[str], query: str) -> PolicyError:
        """Located at the queried rule's definition: rego-cpp reports no position at run time."""
        ref = re.match(r"\s*data\.([\w.]+)", query)
        parts = ref.group(1).split(".") if ref else []
        for module in self.modules.values():
            package = _package(module.source)
            for cut in range(len(parts) - 1, 0, -1):
                if ".".join(parts[:cut]) == package:
                    line, col = module.rule_position(parts[cut])
                    return PolicyError(f"{'.'.join(parts)}: {'; '.join(messages)}", module.name,
                                       line, col, "runtime")
        first = next(iter(self.modules.values()), None)
        return PolicyError(f"{query}: {'; '.join(messages)}", first.name if first else None,
                           1 if first else None, 1 if first else None, "runtime")


@dataclass
class Prepared:
    """A query compiled once against an Engine's modules."""

    engine: Engine
    text: str
    bundle: Any

    def __call__(self, input: Any = None) -> Any:
        """The query's value for `input`; None when undefined."""
        from regopy.rego_shared import rego_bundle_query

        engine = self.engine
        values = engine._run(lambda: rego_bundle_query(engine._rego._impl, self.bundle._impl), self.text, input)
        return values[0] if values else None


def _package(source: str) -> str | None:
    match = re.search(r"^\s*package\s+([\w.]+)", source, re.M)
    return match.group(1) if match else None


def packages(modules: dict[str, str]) -> dict[str, str]:
    """module name -> its package (modules without one are left out)."""
    out = {}
    for name, source in modules.items():
        package = _package(source)
        if package:
            out[name] = package
    return out


def _length_prefixed(text: str, at: int) -> tuple[str, int]:
    """rego-cpp writes names as `LEN:text`; returns the text and the index after it."""
    colon = text.index(":", at)
    size = int(text[at:colon])
    return text[colon + 1:colon + 1 + size], colon + 1 + size


def _parse_error(text: str) -> tuple[str | None, int | None, str | None]:
    """(module name, byte offset, message) of the first error in rego-cpp's error tree."""
    name = offset = message = None
    err = _ERROR.search(text)
    if err:
        with contextlib.suppress(ValueError):
            name, end = _length_prefixed(text, err.start(1))
            pos = re.match(r"\|(\d+)\|", text[end:])
            offset = int(pos.group(1)) if pos else None
    msg = _ERRORMSG.search(text)
    if msg:
        with contextlib.suppress(ValueError):
            message, _ = _length_prefixed(text, msg.start(1))
    return name, offset, message


def _error_messages(node: Any) -> list[str]:
    """The `errormsg` texts of a failed output's error sequence."""
    from regopy.rego_shared import rego_node_get, rego_node_size, rego_node_value

    out: list[str] = []

    def walk(n: Any, depth: int) -> None:
        if depth > 6:
            return
        size = rego_node_size(n)
        if size == 0:
            with contextlib.suppress(Exception):
                value = rego_node_value(n)
                if value and " " in value:
                    out.append(value)
            return
        for i in range(size):
            walk(rego_node_get(n, i), depth + 1)

    walk(node, 0)
    return out or ["evaluation failed"]


def evaluate(modules: dict[str, str], input: Any, query: str) -> Any:
    """One query over `modules` for `input`: its value, or None when undefined."""
    return Engine(modules).query(query, input)
