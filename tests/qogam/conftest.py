"""What the tests of the admin and the ministry's pages share."""

import pytest
from django.contrib.auth.models import Group

from qogam.roles import MINISTRY_GROUP
from tests.factories import UserFactory


@pytest.fixture
def ministry(client):
    """A test client signed in as ministry staff."""
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=MINISTRY_GROUP))
    client.force_login(user)
    return client
