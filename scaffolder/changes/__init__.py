"""Contract changes: the rule catalogue, the diff, the semver gate, exceptions and the report."""
