"""The survey pages, one module per audience: ``authoring`` (the staff who run a survey),
``answering`` (the public form, no account), ``results`` (results, exports, comparison)."""
