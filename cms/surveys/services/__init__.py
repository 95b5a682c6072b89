"""Every write of the citizen surveys, one module per concern: ``answering`` (storing a
response), ``authoring`` (surveys, questions, the template library, codes, release) and
``results`` (moderating free text). Callers import the module they need."""
