"""Recorded publications get their kind of outlet, an optional scan and who recorded them, and a log of
their changes. The rows recorded before (the demo's posts in social networks) are given the kind "social
network"; the new constraints follow in 0007, apart from these row changes (PostgreSQL refuses to alter a
table with pending trigger events in the same transaction)."""

import django.db.models.deletion
import django.utils.timezone
import publications.models
from django.conf import settings
from django.db import migrations, models


def recorded_before_were_social_networks(apps, schema_editor):
    Delivery = apps.get_model("publications", "Delivery")
    Delivery.objects.filter(channel="recorded", outlet_kind="").update(outlet_kind="social")


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0005_subscription_open_once_per_scope"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RecordedPublicationChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "action",
                    models.CharField(
                        choices=[("recorded", "publication recorded"), ("changed", "record changed"), ("removed", "record removed")],
                        max_length=10,
                        verbose_name="action",
                    ),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                ("before", models.JSONField(blank=True, default=dict, verbose_name="before")),
                ("after", models.JSONField(blank=True, default=dict, verbose_name="after")),
            ],
            options={
                "verbose_name": "change of a recorded publication",
                "verbose_name_plural": "changes of recorded publications",
                "ordering": ["recorded_at", "id"],
            },
        ),
        migrations.RemoveConstraint(
            model_name="delivery",
            name="delivery_once_per_channel_target",
        ),
        migrations.RemoveConstraint(
            model_name="delivery",
            name="delivery_recorded_has_outlet_and_link",
        ),
        migrations.AddField(
            model_name="delivery",
            name="outlet_kind",
            field=models.CharField(
                blank=True,
                choices=[("newspaper", "newspaper"), ("news_site", "news site"), ("social", "social network")],
                max_length=10,
                verbose_name="kind of outlet",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recorded by",
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="scan",
            field=models.FileField(
                blank=True, max_length=200, upload_to=publications.models.scan_path, verbose_name="scan or screenshot"
            ),
        ),
        migrations.AddField(
            model_name="delivery",
            name="scan_type",
            field=models.CharField(blank=True, editable=False, max_length=100, verbose_name="type of the scan"),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="target",
            field=models.CharField(
                blank=True,
                help_text="Telegram chat, webhook address, or the link of a recorded publication.",
                max_length=500,
                verbose_name="target",
            ),
        ),
        migrations.AddField(
            model_name="recordedpublicationchange",
            name="announcement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recorded_changes",
                to="publications.announcement",
                verbose_name="announcement",
            ),
        ),
        migrations.AddField(
            model_name="recordedpublicationchange",
            name="by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="by",
            ),
        ),
        migrations.AddField(
            model_name="recordedpublicationchange",
            name="delivery",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="changes",
                to="publications.delivery",
                verbose_name="recorded publication",
            ),
        ),
        migrations.RunPython(recorded_before_were_social_networks, migrations.RunPython.noop),
    ]
