package mesh.pii_test

import rego.v1

import data.mesh.pii

mesh := {"allowed_masking": ["hash", "tokenize"]}

test_hashed_pii_passes if {
	m := mesh
	c := {"fields": [{"name": "customer_id", "pii": true, "masking": "hash", "path": "$.f[0]"}]}
	count(pii.deny) == 0 with input.contract as c with input.mesh as m
}

test_unmasked_pii_is_denied if {
	m := mesh
	c := {"fields": [{"name": "email", "pii": true, "masking": null, "path": "$.f[0]"}]}
	pii.deny == {{"msg": "field 'email' is PII and must be masked (one of hash, tokenize)", "path": "$.f[0]"}} with input.contract as c with input.mesh as m
}

test_masking_the_mesh_does_not_allow_is_denied if {
	m := mesh
	c := {"fields": [{"name": "email", "pii": true, "masking": "redact", "path": "$.f[0]"}]}
	count(pii.deny) == 1 with input.contract as c with input.mesh as m
}
