"""Run history and SLA health: every `scaffolder test --record` run, and what they add up to."""
