"""Password reset by mail: queued in the outbox and written by the sender after the response, so that a known
and an unknown address are answered alike; capped per address and per client address, in the database."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext

from publications import mail as outbox
from publications.models import OutgoingMail
from tests.factories import CouncilFactory, staff_of, url

pytestmark = pytest.mark.django_db
PASSWORD = "Жаңа-құпиясөз-2026"


@pytest.fixture
def secretary():
    user = staff_of(CouncilFactory())
    user.email = "secretary@akimat.kz"
    user.save()
    return user


def ask(client, email, language="kk", **extra):
    return client.post(url("workspace:password_reset", language), {"email": email}, **extra)


def resets():
    return OutgoingMail.objects.filter(kind=OutgoingMail.Kind.PASSWORD_RESET)


def test_the_reset_mail_is_queued_not_sent_in_the_request_and_the_sender_writes_a_working_link(
    client, secretary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        response = ask(client, "Secretary@Akimat.kz", "ru")
    assert response.status_code == 302 and response.url.endswith("/workspace/password-reset/sent/")
    assert not mail.outbox  # nothing is sent while the visitor waits
    queued = resets().get()
    assert queued.language == "ru" and "password-reset/" not in queued.body  # no link is stored

    assert outbox.send_one(queued.pk) == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["secretary@akimat.kz"]
    assert "Qogam" in mail.outbox[0].subject
    link = re.search(r"https?://[^/]+(/ru/workspace/password-reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 302
    assert client.login(request=HttpRequest(), username=secretary.username, password=PASSWORD)


def test_an_unknown_address_is_answered_alike_and_nothing_is_sent(
    client, secretary, django_capture_on_commit_callbacks
):
    ask(client, "warm-up@akimat.kz")  # content types, templates: the same for both below
    with CaptureQueriesContext(connection) as known, django_capture_on_commit_callbacks(execute=False):
        known_page = ask(client, "secretary@akimat.kz")
    with CaptureQueriesContext(connection) as unknown, django_capture_on_commit_callbacks(execute=False):
        unknown_page = ask(client, "nobody@akimat.kz")
    assert (known_page.status_code, known_page.url) == (unknown_page.status_code, unknown_page.url)
    assert len(known) == len(unknown)
    assert [q["sql"].split()[0] for q in known] == [q["sql"].split()[0] for q in unknown]
    assert not mail.outbox

    unknown_row = resets().get(to="nobody@akimat.kz")
    assert outbox.send_one(unknown_row.pk) == "dropped"
    assert not mail.outbox
    assert outbox.sweep() == 1  # the secretary's is sent; the warm-up's (no account either) is dropped
    assert resets().get(to="warm-up@akimat.kz").state == OutgoingMail.State.DROPPED
    assert [message.to for message in mail.outbox] == [["secretary@akimat.kz"]]


def test_at_most_three_resets_an_hour_to_one_address(client, secretary):
    for number in range(5):
        response = ask(client, "secretary@akimat.kz", REMOTE_ADDR=f"10.0.3.{number}")
        assert response.status_code == 302
    assert resets().count() == 3
    outbox.sweep()
    assert len(mail.outbox) == 3


def test_at_most_three_resets_an_hour_from_one_client_address(client, secretary, settings):
    for number in range(4):
        assert ask(client, f"someone{number}@akimat.kz", REMOTE_ADDR="10.0.4.1").status_code == 302
    assert ask(client, "secretary@akimat.kz", REMOTE_ADDR="10.0.4.1").status_code == 302
    assert resets().count() == 3 and not resets().filter(to="secretary@akimat.kz").exists()
    assert ask(client, "secretary@akimat.kz", REMOTE_ADDR="10.0.4.2").status_code == 302
    assert resets().filter(to="secretary@akimat.kz").count() == 1


@pytest.mark.django_db(transaction=True)
def test_requests_arriving_together_do_not_get_past_the_cap(monkeypatch):
    import threading

    monkeypatch.setattr(outbox, "wake_sender", lambda mail_id: None)  # no worker here: the rows are counted

    from django.db import connections

    from workspace.password_reset import request_password_reset

    start = threading.Barrier(8)

    def request(number):
        try:
            start.wait()
            request_password_reset(email="secretary@akimat.kz", client=f"10.0.5.{number}", language="kk")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert resets().count() == 3
