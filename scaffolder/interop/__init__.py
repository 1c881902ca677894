"""Contracts from what exists (dbt, files, DDL, Avro, JSON Schema) and into what others read.

One module per format, each a small importer (`read(source, options) -> [Draft]`)
and/or exporter (`write(contract, options) -> str`); `formats.FORMATS` lists them
as data. Importers build `draft.Draft`s, the one place that turns facts about a
table into a datamesh contract's YAML; exporters read the typed `Contract`.
"""
