"""GitHub at the edge: the Actions environment, outputs and summary, the sticky PR comment."""
