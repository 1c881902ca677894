"""The Open Data Contract Standard (ODCS v3): detect, validate, convert to and from our format."""
