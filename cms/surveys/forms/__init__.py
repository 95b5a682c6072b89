"""Forms of the citizen surveys, one module per audience (``answering``: the public form)."""
