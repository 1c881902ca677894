# Access: contracts grant only roles the platform knows.
package mesh.roles

import rego.v1

allowed_roles := {"analyst", "data-scientist", "data-engineer"}

# Messages are joined with concat: rego-cpp mangles sprintf("%s") of a computed string.
deny contains {"msg": msg, "path": sprintf("$.spec.access.roles[%d]", [i])} if {
	some i, role in input.contract.roles
	not role in allowed_roles
	msg := concat("", ["access role '", role, "' is not one of ", concat(", ", sort(allowed_roles))])
}
