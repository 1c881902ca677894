"""Who reads which column: access decided by Rego (decide) and compiled into engine SQL (compile)."""
