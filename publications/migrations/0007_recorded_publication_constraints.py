"""A recorded publication names its outlet and its kind, and has a link or a scan; a printed newspaper's
scan may come without a link, so recorded publications without a link need not be unique."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("publications", "0006_recorded_publications"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    models.Q(("channel", "recorded"), _negated=True),
                    models.Q(("target", ""), _negated=True),
                    _connector="OR",
                ),
                fields=("announcement", "channel", "target"),
                name="delivery_once_per_channel_target",
            ),
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("channel", "recorded"), _negated=True),
                    models.Q(
                        models.Q(("outlet", ""), _negated=True),
                        models.Q(("outlet_kind", ""), _negated=True),
                        models.Q(
                            models.Q(("target", ""), _negated=True),
                            models.Q(("scan", ""), _negated=True),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="delivery_recorded_has_outlet_and_evidence",
                violation_error_message="A recorded publication needs its outlet, and its link or scan.",
            ),
        ),
    ]
