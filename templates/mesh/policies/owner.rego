# Ownership: every product is owned by a team address, not a person's mailbox.
package mesh.owner

import rego.v1

deny contains {"msg": "every product names its owner (spec.owner)", "path": "$.spec"} if {
	not is_string(input.contract.owner) # absent or null
}

warn contains {"msg": sprintf("owner '%s' looks like a person; name a team (team-...@)", [owner]), "path": "$.spec.owner"} if {
	owner := input.contract.owner
	not startswith(owner, "team-")
}
