"""The rights of a person over their data (GDPR Art. 15, 17, 20): the export of everything about
them (``export``) and the erasure of their account (``erasure``)."""
