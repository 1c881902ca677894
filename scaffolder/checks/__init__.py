"""Data checks: the assertion catalogue, the compiler (contract -> one SQL), sources, the run."""
