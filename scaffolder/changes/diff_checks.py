"""Quality checks across two versions: matched by name, else by column + assertion; each
argument's change graded the way the assertion catalogue says (`Assertion.grading`)."""

from __future__ import annotations

from scaffolder.changes.compare import Diff, bound_move, emits, show
from scaffolder.checks.assertions import ASSERTIONS, Grade
from scaffolder.contract.model import QualityCheck


def grading(assertion: str) -> dict[str, Grade]:
    """How a change to each argument of `assertion` is graded (the assertion catalogue)."""
    spec = ASSERTIONS.get(assertion)
    return spec.grading if spec is not None else {}


def match_checks(old: list[QualityCheck], new: list[QualityCheck], renames: dict[str, str] | None = None,
                 ) -> tuple[list[tuple[QualityCheck, QualityCheck]], list[QualityCheck], list[QualityCheck]]:
    """Pair checks by `name` when both have one, else by column + assertion (in order among equals).

    A check follows its column's declared rename: `note:assertion` in the old
    version is `remark:assertion` in the new one when `remark` says `renamed_from: note`.
    """
    renames = renames or {}
    pairs: list[tuple[QualityCheck, QualityCheck]] = []
    old_left = list(old)
    new_left: list[QualityCheck] = []
    for n in new:
        hit = next((o for o in old_left if n.name and o.name == n.name), None)
        if hit is None:
            hit = next((o for o in old_left if _key(o, renames) == n.key
                        and not (o.name and n.name and o.name != n.name)), None)
        if hit is None:
            new_left.append(n)
        else:
            old_left.remove(hit)
            pairs.append((hit, n))
    return pairs, old_left, new_left


def _column(c: QualityCheck, renames: dict[str, str]) -> str | None:
    """The check's column under its new name (a declared rename), else as written."""
    return renames.get(c.column, c.column) if c.column else c.column


def _key(c: QualityCheck, renames: dict[str, str]) -> str:
    column = _column(c, renames)
    return f"{column}:{c.assertion}" if column else c.assertion


@emits("check-added", "check-removed")
def diff_checks(d: Diff) -> None:
    pairs, removed, added = match_checks(d.old.checks, d.new.checks, d.renames)
    for c in added:
        d.emit("check-added", c.node, check=c.key)
    for c in removed:
        d.emit("check-removed", c.node, side="old", check=c.key)
    for o, n in pairs:
        for aspect in CHECK_ASPECTS:
            if not aspect(d, o, n):
                break


@emits("check-changed")
def _target(d: Diff, o: QualityCheck, n: QualityCheck) -> bool:
    """A check moved to another column or assertion is another check: nothing else is compared."""
    if (_column(o, d.renames), o.assertion) == (n.column, n.assertion):
        return True
    what = "assertion" if o.assertion != n.assertion else "column"
    d.emit("check-changed", n.node.child(what), check=n.name or n.key,
           detail=f"{what} changed from {getattr(o, what)} to {getattr(n, what)}")
    return False


@emits("description-changed")
def _words(d: Diff, o: QualityCheck, n: QualityCheck) -> bool:
    for what in ("name", "description"):
        if getattr(o, what) != getattr(n, what):
            d.emit("description-changed", n.node.child(what), what=f"check {n.key} {what}")
    return True


@emits("check-loosened", "check-tightened")
def _threshold(d: Diff, o: QualityCheck, n: QualityCheck) -> bool:
    if o.threshold != n.threshold:
        lowered = n.threshold < o.threshold
        d.emit("check-loosened" if lowered else "check-tightened", n.node.child("threshold"), check=n.key,
               detail=f"threshold {'lowered' if lowered else 'raised'} from {o.threshold:g} to {n.threshold:g}")
    return True


@emits("check-loosened", "check-tightened", "check-changed")
def _arguments(d: Diff, o: QualityCheck, n: QualityCheck) -> bool:
    """Each argument graded as the catalogue says: a value set that grows, a bound that moves, or
    (any other argument) a plain change."""
    if o.value == n.value:
        return True
    handled: set[str] = set()
    grades = grading(o.assertion)
    set_grade = grades.get("value_set")
    if set_grade in (Grade.SET_GROWS_LOOSENS, Grade.SET_GROWS_TIGHTENS) and isinstance(
            o.value.get("value_set"), list) and isinstance(n.value.get("value_set"), list):
        handled.add("value_set")
        old_set, new_set = o.value["value_set"], n.value["value_set"]
        grown = [v for v in new_set if v not in old_set]
        shrunk = [v for v in old_set if v not in new_set]
        where = n.node.child("value", "value_set")
        for values, grew in ((grown, True), (shrunk, False)):
            if values:
                loosens = grew == (set_grade is Grade.SET_GROWS_LOOSENS)
                d.emit("check-loosened" if loosens else "check-tightened", where, check=n.key,
                       detail=f"value set {'grown by' if grew else 'shrunk by'} {', '.join(map(str, values))}")
    bounds = [(arg, g is Grade.LOWER_BOUND) for arg, g in grades.items()
              if g in (Grade.LOWER_BOUND, Grade.UPPER_BOUND)]
    if any(a in o.value or a in n.value for a, _ in bounds):
        for arg, lower in bounds:
            handled.add(arg)
            old, new = o.value.get(arg), n.value.get(arg)
            move = bound_move(old, new, lower)
            if move == "same":
                continue
            if move == "unordered":
                d.emit("check-changed", n.node.child("value", arg), check=n.key,
                       detail=f"{arg} changed from {old} to {new}")
                continue
            loosened = move == "loosened"
            word = "widened" if loosened else "narrowed"
            d.emit("check-loosened" if loosened else "check-tightened", n.node.child("value", arg),
                   check=n.key, detail=f"range {word}: {arg} {show(old)} -> {show(new)}")
    for arg in sorted((set(o.value) | set(n.value)) - handled):
        if o.value.get(arg) != n.value.get(arg):
            d.emit("check-changed", n.node.child("value", arg), check=n.key,
                   detail=f"{arg} changed from {show(o.value.get(arg))} to {show(n.value.get(arg))}")
    return True


CHECK_ASPECTS = [_target, _words, _threshold, _arguments]
