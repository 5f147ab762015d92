"""One open subscription per address, scope and target; the time the confirmation mail last went out.

Rows written before hold their creation time as the time the confirmation was sent (it was queued with the
row), their address is stored trimmed and in lower case, and where an address had several open rows for the
same scope and target, the confirmed (else the oldest) one is kept and the others are closed.
"""

from django.db import migrations, models
from django.utils import timezone


def close_duplicates(apps, schema_editor):
    Subscription = apps.get_model("publications", "Subscription")
    Subscription.objects.filter(confirmation_sent_at__isnull=True).update(confirmation_sent_at=models.F("created_at"))
    now = timezone.now()
    kept = set()
    rows = Subscription.objects.filter(unsubscribed_at__isnull=True).order_by(
        models.F("confirmed_at").asc(nulls_last=True), "created_at", "pk"
    )
    for row in rows.iterator():
        email = row.email.strip().lower()
        key = (email, row.scope, row.council_id, row.region_id)
        if key in kept:
            Subscription.objects.filter(pk=row.pk).update(unsubscribed_at=now)
            continue
        kept.add(key)
        if email != row.email:
            Subscription.objects.filter(pk=row.pk).update(email=email)


class Migration(migrations.Migration):

    dependencies = [
        ("councils", "0001_initial"),
        ("publications", "0003_delivery_claim_announcement_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="confirmation_sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmation requested"),
        ),
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
    ]
