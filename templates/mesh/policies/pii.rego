# PII: a field marked pii is published masked, with a method mesh.yaml allows
# (input.mesh.allowed_masking: hash, redact, tokenize by default).
package mesh.pii

import rego.v1

deny contains {"msg": msg, "path": f.path} if {
	some f in input.contract.fields
	f.pii
	not f.masking in {m | some m in input.mesh.allowed_masking; m != "none"}
	methods := concat(", ", input.mesh.allowed_masking) # joined with concat, not sprintf (rego-cpp)
	msg := concat("", ["field '", f.name, "' is PII and must be masked (one of ", methods, ")"])
}
