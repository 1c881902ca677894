package mesh.roles_test

import rego.v1

import data.mesh.roles

test_known_roles_pass if {
	c := {"roles": ["analyst", "data-engineer"]}
	count(roles.deny) == 0 with input.contract as c
}

test_unknown_role_is_denied_at_its_entry if {
	c := {"roles": ["analyst", "intern"]}
	some d in roles.deny with input.contract as c
	d.path == "$.spec.access.roles[1]"
	d.msg == "access role 'intern' is not one of analyst, data-engineer, data-scientist"
}
