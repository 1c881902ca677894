"""The data product contract: loading with positions, the typed model, validation."""
