"""Data mesh scaffolder: contracts, change gate, data checks, templates and fleet."""

__version__ = "0.1.0"
