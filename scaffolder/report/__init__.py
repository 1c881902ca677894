"""Findings and the renderers that turn them into text, JSON, Markdown and annotations."""
