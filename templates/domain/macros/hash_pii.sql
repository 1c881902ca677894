{#- masking: hash (the contract) -> the sha256 hex digest of the value; null stays null. -#}
{% macro hash_pii(column) -%}
    {{ return(adapter.dispatch('hash_pii')(column)) }}
{%- endmacro %}

{% macro default__hash_pii(column) -%}
    lower(sha2(cast({{ column }} as {{ dbt.type_string() }}), 256))
{%- endmacro %}

{% macro duckdb__hash_pii(column) -%}
    sha256(cast({{ column }} as varchar))
{%- endmacro %}

{% macro bigquery__hash_pii(column) -%}
    to_hex(sha256(cast({{ column }} as string)))
{%- endmacro %}
