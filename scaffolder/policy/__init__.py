"""Rego policies over contracts (issue 19): the engine, the mesh's policies, `policy test`."""
