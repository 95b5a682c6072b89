"""Forms of the citizen surveys, one module per audience: ``authoring`` (the staff who run a
survey) and ``answering`` (the public form)."""
