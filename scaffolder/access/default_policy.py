"""The default access policy, in Rego: `data.mesh.access.decision` for one contract and role.

Kept as Python text (not a package data file) so it ships with the code that queries it.
The mesh's own policies in `package mesh.access` add to its three extension sets.
"""

SOURCE = """\
# The default access policy (scaffolder access): who reads which column of a data product.
#
# input: {"contract": <the normalised contract>, "role": "analyst", "attrs": {"k": "v"}}
# data.mesh.access.decision: one {"effect": allow|mask|deny, "method", "reason", "source"} per field,
# in the contract's order. (An array, and reasons without contract text: rego-cpp 1.5 writes
# strings into its JSON output unescaped, so a name holding a quote would corrupt an object key.)
#
# The mesh's own policies (policies/**/*.rego, `package mesh.access`) refine it by adding to
#   grant_clear contains {"role": R, "column": C, "msg": M}   the clear value of a masked column
#   mask contains {"role": R, "column": C, "method": M, "msg": M}   mask a column the contract leaves clear
#   revoke contains {"role": R, "column": C, "msg": M}        deny a column (or every column: "*")
# An entry without "role" applies to every role; "column": "*" to every column.
package mesh.access

import rego.v1

grant_clear contains x if {
	some x in []
}

mask contains x if {
	some x in []
}

revoke contains x if {
	some x in []
}

METHODS := {"hash", "redact", "tokenize"}

applies(x, f) if {
	object.get(x, "role", input.role) == input.role
	object.get(x, "column", "*") in {"*", f.name}
}

reasons(set, f) := sort([object.get(x, "msg", "mesh policy") | some x in set; applies(x, f)])

decision := [column(f) | some f in input.contract.fields]

column(f) := d if {
	r := reasons(revoke, f)
	count(r) > 0
	d := {"effect": "deny", "method": null, "reason": concat("; ", r), "source": "policy:mesh.access.revoke"}
} else := d if {
	not input.role in input.contract.roles
	d := {
		"effect": "deny", "method": null,
		"reason": "the role is not in access.roles",
		"source": "$.spec.access.roles",
	}
} else := d if {
	r := reasons(grant_clear, f)
	count(r) > 0
	d := {"effect": "allow", "method": null, "reason": concat("; ", r), "source": "policy:mesh.access.grant_clear"}
} else := d if {
	some x in mask
	applies(x, f)
	x.method in METHODS
	d := {"effect": "mask", "method": x.method, "reason": object.get(x, "msg", "mesh policy"), "source": "policy:mesh.access.mask"}
} else := d if {
	f.pii
	f.masking in METHODS
	d := {
		"effect": "mask", "method": f.masking,
		"reason": concat("", ["pii column masked by ", f.masking]),
		"source": concat("", [f.path, ".constraints.masking"]),
	}
} else := d if {
	f.pii
	f.masking == "none"
	d := {
		"effect": "allow", "method": null, "reason": "pii column with masking: none",
		"source": concat("", [f.path, ".constraints.masking"]),
	}
} else := d if {
	f.pii
	d := {
		"effect": "deny", "method": null, "reason": "pii column without a masking method",
		"source": concat("", [f.path, ".constraints"]),
	}
} else := {"effect": "allow", "method": null, "reason": "role is in access.roles", "source": "$.spec.access.roles"}
"""

NAME = "<scaffolder>/mesh/access.rego"

MASKING_METHODS = ("hash", "redact", "tokenize")


def contract_effect(pii: bool, masking: str | None, listed: bool) -> tuple[str, str | None]:
    """The default policy's (effect, method) for one column, without the mesh's refinements.

    The same rules as SOURCE, for callers that must not need the Rego engine (the change
    diff, which runs without the policy extra); tests/access/test_decide.py checks both
    forms agree on every combination.
    """
    if not listed:
        return "deny", None
    if not pii:
        return "allow", None
    if masking in MASKING_METHODS:
        return "mask", masking
    if masking == "none":
        return "allow", None
    return "deny", None
