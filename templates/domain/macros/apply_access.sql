{#- Platform-owned. Access to this product on the prod target: the statements that
    `scaffolder access compile --format dbt` produced (a view per role that may read,
    masked columns computed, grants), run one at a time on dbt's own connection.
    Usage: dbt run-operation apply_access --target prod --args "$(scaffolder access compile ...)" -#}
{% macro apply_access(statements) %}
  {% for statement in statements %}
    {% do run_query(statement) %}
  {% endfor %}
  {{ log("access: " ~ (statements | length) ~ " statements applied to " ~ target.name, info=True) }}
{% endmacro %}
