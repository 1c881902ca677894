"""Exceptions that cross module boundaries.

The library never prints or exits: it raises these, and the CLI turns them
into a message and an exit code (2 for usage, 1 for findings).
"""


class ScaffolderError(Exception):
    """Base of every error the CLI reports without a traceback."""


class UsageError(ScaffolderError):
    """The command was called wrongly: bad option, missing file, not a git repo (exit 2)."""
