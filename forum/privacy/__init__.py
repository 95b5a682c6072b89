"""A person's rights over their data (GDPR Art. 15, 17, 20) and how long data is kept:
``export`` (download everything about me), ``erasure`` (delete my account), ``retention`` (the
daily clean-up)."""
