"""`scaffolder demo`: the whole flow on a laptop, as a newcomer would run it by hand."""
