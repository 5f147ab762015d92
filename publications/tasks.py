"""Celery tasks: thin wrappers that take ids and are safe to run twice."""

from celery import shared_task

from . import delivery, mail


@shared_task(ignore_result=True)
def send_outgoing_mail(mail_id: int) -> str:
    return mail.send_one(mail_id)


@shared_task(ignore_result=True)
def sweep_outgoing_mail() -> int:
    return mail.sweep()


@shared_task(ignore_result=True, acks_late=True)
def deliver(delivery_id: int) -> str:
    return delivery.deliver(delivery_id)


@shared_task(ignore_result=True)
def sweep_deliveries() -> dict:
    return delivery.sweep()
