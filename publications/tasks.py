"""Celery tasks: thin wrappers that take ids and are safe to run twice."""

from celery import shared_task

from . import mail


@shared_task(ignore_result=True)
def send_outgoing_mail(mail_id: int) -> str:
    return mail.send_one(mail_id)


@shared_task(ignore_result=True)
def sweep_outgoing_mail() -> int:
    return mail.sweep()
