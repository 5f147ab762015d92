"""python manage.py mask_published_documents — render the published lists of proposals again, so that the ones
made before personal data was masked (common.personal_data) show it masked too. Once, at the deployment that
brings masking; `manage.py publish_open_data --all` does the same for the quarterly files."""

from django.core.management.base import BaseCommand

from consultations import pdf
from consultations.models import RenderedDocument


class Command(BaseCommand):
    help = "Render the published lists of proposals again (their files made before personal data was masked)."

    def handle(self, *args, **options):
        count = pdf.render_published_again(RenderedDocument.Kind.PROPOSALS)
        self.stdout.write(f"{count} published list(s) of proposals to be rendered again.")
