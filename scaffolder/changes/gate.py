"""The semver gate: does the declared version bump cover what the changes require?

`declared` is the bump from the base version to the head version, `required`
the largest bump among the findings. Below 1.0.0 Cargo's rule applies (minor
covers major, patch covers minor). A pre-release declares the bump its release
leads to. The gate never looks at exceptions: an exception never lets a
version lie.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scaffolder.contract.model import Contract
from scaffolder.contract.semver import Bump, Version, declared_bump
from scaffolder.report.finding import Finding, Severity

VERSION_PATH = ("metadata", "version")


def required_bump(findings: list[Finding]) -> str:
    """The largest bump among change findings (accepted ones count too)."""
    return Bump.largest(f.bump for f in findings if f.bump)


def effective_required(required: str, base: Version) -> str:
    """Cargo's pre-1.0 rule: with base major 0, everything moves one place down."""
    if base.major == 0 and required in ("major", "minor"):
        return {"major": "minor", "minor": "patch"}[required]
    return required


def declared(base: Version, head: Version) -> str:
    """none | patch | minor | major | decreased, with pre-releases of the same release counted.

    From a pre-release to a later pre-release or to its own release (3.0.0-rc.1
    -> 3.0.0-rc.2 / 3.0.0) nothing has been released yet, so the step declares
    what the release core itself is: major for X.0.0, minor for X.Y.0.
    """
    if base.prerelease and head.core == base.core and head > base:
        return _core_level(base)
    return declared_bump(base, head)


def _core_level(v: Version) -> str:
    if v.minor == 0 and v.patch == 0:
        return "major"
    return "minor" if v.patch == 0 else "patch"


def smallest_passing(base: Version, required: str) -> Version:
    """The smallest version that passes the gate for `required` over `base`."""
    need = effective_required(required, base)
    if need == "none":
        return base
    if base.prerelease and Bump(_core_level(base)) >= need:
        return Version(*base.core)
    return base.bumped(need)


@dataclass
class GateResult:
    required: str
    declared: str | None
    findings: list[Finding] = field(default_factory=list)
    suggested: Version | None = None

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def gate(old: Contract, new: Contract, changes: list[Finding]) -> GateResult:
    """Compare the declared bump with the required one for a modified contract."""
    required = required_bump(changes)
    base, head = old.version, new.version
    if base is None or head is None:  # invalid versions are reported by validation
        return GateResult(required, None)
    decl = declared(base, head)
    need = effective_required(required, base)
    target = smallest_passing(base, required)
    where = new.doc.location(VERSION_PATH, json_path="$.metadata.version")

    def finding(rule: str, message: str, severity: Severity = Severity.ERROR) -> Finding:
        return Finding(rule, message, severity=severity, location=where, product=new.name,
                       data={"base": str(base), "head": str(head), "required": required,
                             "declared": decl, "suggested": str(target)})

    pre1 = " (below 1.0.0, Cargo's rule: minor covers major, patch covers minor)" if need != required else ""
    out: list[Finding] = []
    if decl == "decreased":
        out.append(finding("version-decreased", f"version went down from {base} to {head}; set it to {target} or higher"))
    elif Bump(decl) < need:
        if decl == "none":
            out.append(finding("version-not-bumped",
                               f"the contract changed (requires a {required} bump{pre1}) but version is still {head}; "
                               f"set it to {target}"))
        else:
            out.append(finding("version-bump-too-small",
                               f"{base} -> {head} is a {decl} bump but the changes require {required}{pre1}; "
                               f"set the version to {target}"))
    elif Bump(decl) > need:
        out.append(finding("version-bump-larger",
                           f"{base} -> {head} is a {decl} bump; {need} was required", Severity.INFO))
    return GateResult(required, decl, out, target)


def gate_removed(old: Contract, today: dt.date) -> tuple[list[Finding], str | None]:
    """A removed contract passes only after a deprecation whose sunset has come.

    Returns the gate findings and, when the removal is on schedule, the reason
    that accepts the `contract-removed` finding.
    """
    where = old.doc.location(("metadata", "name"), json_path="$.metadata.name")
    if old.status == "deprecated" and old.sunset is not None and old.sunset <= today:
        return [], f"deprecated with sunset {old.sunset.isoformat()}, on or before {today.isoformat()}"
    if old.status != "deprecated":
        why = f"it was {old.status}, not deprecated with a sunset"
    elif old.sunset is None:
        why = "it was deprecated without a sunset date"
    else:
        why = f"its sunset is {old.sunset.isoformat()}, after {today.isoformat()}"
    return [Finding("contract-removed-before-sunset",
                    f"contract {old.name} was removed but {why}; deprecate it (status: deprecated, sunset: DATE) "
                    "and remove it after that date",
                    location=where, product=old.name)], None
