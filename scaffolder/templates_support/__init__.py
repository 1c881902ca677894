"""Helpers for what the Copier templates generate (kept out of copy time: no Jinja extensions)."""
