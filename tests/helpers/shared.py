"""Data built once for a whole test module, the way Django's ``setUpTestData`` shares class data.

The module's fixture opens a transaction that is rolled back when the module ends; each test
(``django_db``, not transactional) runs in a savepoint inside it, so whatever a test writes is
undone before the next one. Transactional tests (``transaction=True``) commit and flush: keep
them out of such modules. On-commit callbacks of the shared data are not run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import transaction


@contextlib.contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    """Open the module's transaction; roll it back on leaving. The database stays blocked
    between the two, for tests that did not ask for it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
