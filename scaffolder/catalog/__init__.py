"""Discovery: the mesh's lineage graph (and, later, the static catalog site)."""
