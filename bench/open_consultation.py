"""One council with a consultation open for proposals, for the fault drill; prints its slug and id as JSON.

bench/faults.py runs it against the drill's own database. It uses the tests' factories, which reach an open
intake through the workflow as a secretary would, in seconds (seed_demo builds a whole country in minutes).
"""

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qogam.settings")
    django.setup()
    from consultations.models import Consultation
    from tests.factories import consultation_at

    consultation = consultation_at(Consultation.State.HELD, listed_proposals=0)
    print(json.dumps({"slug": consultation.slug, "id": consultation.pk}))


if __name__ == "__main__":
    main()
