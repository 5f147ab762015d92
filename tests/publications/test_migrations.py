"""The data migration that gives each address one open subscription per scope, run on rows written before it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from publications.models import Subscription
from tests.factories import CouncilFactory

BEFORE = ("publications", "0003_delivery_claim_announcement_token")
AFTER = ("publications", "0005_subscription_open_once_per_scope")


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_duplicates_are_closed_keeping_the_confirmed_one_and_addresses_lower_cased():
    council = CouncilFactory()
    old = migrate(BEFORE).get_model("publications", "Subscription")
    now = timezone.now()
    try:
        waiting = old.objects.create(email="Aigerim@Mail.kz", language="kk", scope="all")
        confirmed = old.objects.create(email="aigerim@mail.kz", language="ru", scope="all", confirmed_at=now)
        by_council = old.objects.create(email="AIGERIM@mail.kz", language="kk", scope="council", council_id=council.pk)
        other = old.objects.create(email="dana@mail.kz", language="kk", scope="all")
        migrate(AFTER)
        rows = {row.pk: row for row in Subscription.objects.all()}
        assert rows[waiting.pk].unsubscribed_at is not None  # the duplicate waiting one is closed
        assert rows[confirmed.pk].unsubscribed_at is None  # the confirmed one is kept
        assert rows[by_council.pk].unsubscribed_at is None and rows[by_council.pk].email == "aigerim@mail.kz"
        assert rows[other.pk].unsubscribed_at is None
        assert all(row.confirmation_sent_at == row.created_at for row in rows.values())
    finally:
        leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
        MigrationExecutor(connection).migrate(leaves)
