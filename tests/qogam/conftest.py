"""What the tests of the admin and the ministry's pages share."""

import pytest

from tests.factories import ministry_staff


@pytest.fixture
def ministry_user():
    """Ministry staff: a staff account in the ministry's group."""
    return ministry_staff(username="ministry")


@pytest.fixture
def ministry(client, ministry_user):
    """A test client signed in as ministry staff."""
    client.force_login(ministry_user)
    return client
