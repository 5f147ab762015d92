"""The beat's open-data job: the files of the current and the previous quarter, rewritten each day."""

from celery import shared_task

from . import publishing


@shared_task
def publish_open_data() -> int:
    return len(publishing.publish())
