"""The ``workshop`` fixture: an open workshop of the cast's consortium."""

import pytest

from tests.helpers.workshops import make_workshop


@pytest.fixture
def workshop(cast):
    return make_workshop(cast)
