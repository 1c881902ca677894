# Naming: products are DOMAIN.PRODUCT (or DOMAIN-domain.PRODUCT), fields are snake_case.
# Platform-owned example policy; `scaffolder policy test` runs naming_test.rego.
package mesh.naming

import rego.v1

product_pattern := `^[a-z][a-z0-9-]*\.[a-z][a-z0-9_]*$`

field_pattern := `^[a-z][a-z0-9_]*$`

deny contains {"msg": msg, "path": "$.metadata.name"} if {
	not regex.match(product_pattern, input.contract.name)
	msg := sprintf("product name '%s' is not DOMAIN.PRODUCT in lower case", [input.contract.name])
}

deny contains {"msg": msg, "path": "$.metadata.name"} if {
	prefix := split(input.contract.name, ".")[0]
	not prefix in {input.contract.domain, concat("", [input.contract.domain, "-domain"])}
	msg := sprintf("product name '%s' must start with its domain '%s'", [input.contract.name, input.contract.domain])
}

deny contains {"msg": sprintf("field name '%s' is not snake_case", [f.name]), "path": f.path} if {
	some f in input.contract.fields
	not regex.match(field_pattern, f.name)
}
