"""The constraint: one open subscription per address, scope and target (its own migration, so that it runs in
a transaction of its own after 0004's data changes — PostgreSQL will not build an index on a table with
trigger events still pending from them)."""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("publications", "0004_subscription_once_per_scope"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="subscription",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("scope"),
                django.db.models.functions.comparison.Coalesce("council", 0),
                django.db.models.functions.comparison.Coalesce("region", 0),
                condition=models.Q(("unsubscribed_at__isnull", True)),
                name="subscription_open_once_per_scope",
            ),
        ),
    ]
