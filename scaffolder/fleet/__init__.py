"""Roll a template release out across every domain of a mesh (`scaffolder fleet`).

discover -> status (versions, drift) -> update (one process and one git
worktree per domain, Copier's 3-way merge) -> report / PRs / CI matrix.
"""
