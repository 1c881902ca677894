# Tests replace input one key at a time, with a local variable: `with input.contract as c`.
package mesh.naming_test

import rego.v1

import data.mesh.naming

good := {"name": "orders.order_events", "domain": "orders", "fields": [{"name": "order_id", "path": "$.f[0]"}]}

test_good_names_pass if {
	c := good
	count(naming.deny) == 0 with input.contract as c
}

test_domain_suffix_is_accepted if {
	c := object.union(good, {"name": "orders-domain.order_events"})
	count(naming.deny) == 0 with input.contract as c
}

test_camel_case_field_is_denied_at_the_field if {
	c := object.union(good, {"fields": [{"name": "orderId", "path": "$.f[0]"}]})
	naming.deny == {{"msg": "field name 'orderId' is not snake_case", "path": "$.f[0]"}} with input.contract as c
}

test_product_of_another_domain_is_denied if {
	c := object.union(good, {"name": "billing.order_events"})
	count(naming.deny) == 1 with input.contract as c
}
