"""What a contract asks of the domain's dbt project: its `models/schema.yml` (rendered and checked
for drift, at run time, not at copy time: the templates need no Jinja extensions)."""
