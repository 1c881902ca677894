package mesh.owner_test

import rego.v1

import data.mesh.owner

test_team_owner_passes if {
	c := {"owner": "team-orders@example.com"}
	count(owner.deny) + count(owner.warn) == 0 with input.contract as c
}

test_person_owner_warns if {
	c := {"owner": "alice@example.com"}
	count(owner.warn) == 1 with input.contract as c
}

test_missing_owner_is_denied if {
	c := {"owner": null}
	count(owner.deny) == 1 with input.contract as c
}
