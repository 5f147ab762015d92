# The authors who asked for an answer, counted on a consultation's results page without reading the other
# proposals (issue 16, large consultations).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0003_answers_and_corrections"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["consultation"],
                condition=models.Q(wants_answer=True),
                include=["moderation", "set_aside_reason", "answer_queued_at", "answer_mail", "answered_by_phone_on"],
                name="proposal_wants_answer",
            ),
        ),
    ]
