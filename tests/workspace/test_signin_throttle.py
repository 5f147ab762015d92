"""Signing in pauses after repeated failures, on every way in (the admin, the workspace, a password reset
link), per account and per client address, without Redis, and without hashing a paused attempt."""

import datetime
import socket
import uuid

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD, CouncilFactory, staff_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.SIGNIN_ATTEMPTS = 5
    settings.SIGNIN_ADDRESS_ATTEMPTS = 8
    settings.SIGNIN_LOCK_SECONDS = 900


@pytest.fixture
def secretary():
    return staff_of(CouncilFactory())


def browser(address: str = "203.0.113.7", language: str = "kk") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def admin_sign_in(client: Client, username: str, password: str):
    return client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})


def workspace_sign_in(client: Client, username: str, password: str, language: str = "kk"):
    return client.post(url("workspace:login", language), {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_guessing_the_ministry_password_in_the_admin_pauses_signing_in(ministry_user):
    guesser = browser()
    for _ in range(30):
        admin_sign_in(guesser, "ministry", "wrong")
    response = admin_sign_in(guesser, "ministry", PASSWORD)
    assert response.status_code == 429 and not signed_in(guesser)
    # The account is paused from anywhere, not only from the guesser's address.
    elsewhere = browser("198.51.100.2")
    assert admin_sign_in(elsewhere, "ministry", PASSWORD).status_code == 429 and not signed_in(elsewhere)


def test_guessing_a_secretary_password_in_the_workspace_pauses_signing_in(secretary):
    guesser = browser()
    for _ in range(4):
        assert workspace_sign_in(guesser, secretary.username, "wrong").status_code == 200
    assert workspace_sign_in(guesser, secretary.username, "wrong").status_code == 429  # the fifth says so
    response = workspace_sign_in(guesser, secretary.username, PASSWORD)
    assert response.status_code == 429 and not signed_in(guesser)
    colleague = staff_of(CouncilFactory())  # another account from the same address is not paused
    assert workspace_sign_in(browser(), colleague.username, PASSWORD).status_code == 302


def test_the_pause_holds_with_redis_down(secretary, ministry_user, settings):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    guesser = browser()
    for _ in range(8):
        workspace_sign_in(guesser, secretary.username, "wrong")
        admin_sign_in(guesser, "ministry", "wrong")
    assert workspace_sign_in(guesser, secretary.username, PASSWORD).status_code == 429
    assert admin_sign_in(guesser, "ministry", PASSWORD).status_code == 429
    assert not signed_in(guesser)


def test_made_up_accounts_from_one_address_pause_that_address(secretary):
    guesser = browser()
    for _ in range(8):
        workspace_sign_in(guesser, f"user-{uuid.uuid4().hex[:8]}", "wrong")
    assert workspace_sign_in(guesser, secretary.username, PASSWORD).status_code == 429
    assert admin_sign_in(guesser, secretary.username, PASSWORD).status_code == 429
    # The accounts themselves are not paused for anyone else.
    assert workspace_sign_in(browser("198.51.100.2"), secretary.username, PASSWORD).status_code == 302


def test_the_client_address_is_the_trusted_proxys(secretary, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for number in range(8):  # one proxy address, each client a different one: no one is paused for another
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        workspace_sign_in(client, f"user-{number}", "wrong")
    # The address the proxy vouches for is its last entry, whatever the client put before it.
    proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.250")
    assert workspace_sign_in(proxied, secretary.username, PASSWORD).status_code == 302


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting the passwords it hashes."""

    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def test_a_paused_attempt_hashes_no_password(secretary, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    guesser = browser()
    for _ in range(8):
        workspace_sign_in(guesser, f"user-{uuid.uuid4().hex[:8]}", "wrong")
    assert CountingHasher.calls >= 8  # made-up accounts cost a hash each, until the pause
    CountingHasher.calls = 0
    for username in (secretary.username, "made-up"):
        assert workspace_sign_in(guesser, username, PASSWORD).status_code == 429
        assert admin_sign_in(guesser, username, PASSWORD).status_code == 429
    assert CountingHasher.calls == 0


def test_signing_in_forgets_only_that_accounts_failures_from_that_address(secretary, ministry_user):
    typist = browser("192.0.2.1")
    for _ in range(4):
        workspace_sign_in(typist, secretary.username, "wrong")
    assert workspace_sign_in(typist, secretary.username, PASSWORD).status_code == 302  # typos, then right
    for _ in range(4):
        assert workspace_sign_in(browser("192.0.2.1"), secretary.username, "wrong").status_code == 200  # afresh
    # Someone with an account of their own cannot wipe their failures against another's by signing in.
    guesser = browser()
    for _ in range(4):
        admin_sign_in(guesser, "ministry", "wrong")
    own = staff_of(CouncilFactory())
    assert workspace_sign_in(browser(), own.username, PASSWORD).status_code == 302
    admin_sign_in(guesser, "ministry", "wrong")
    assert admin_sign_in(browser("198.51.100.2"), "ministry", PASSWORD).status_code == 429


def reset_link(user, language: str = "ru", token: str | None = None) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return url(
        "workspace:password_reset_confirm",
        language,
        uidb64=uid,
        token=token or default_token_generator.make_token(user),
    )


def test_guessing_password_reset_links_pauses(secretary):
    guesser = browser()
    for number in range(4):
        response = guesser.get(reset_link(secretary, token=f"d3z1ab-{number:032x}"))
        assert response.status_code == 200 and "больше не действительна" in response.content.decode()
    assert guesser.get(reset_link(secretary, token="d3z1ab-ffff")).status_code == 429
    # Guessing links pauses signing in to that account as guessing passwords does.
    assert workspace_sign_in(browser("198.51.100.2"), secretary.username, PASSWORD).status_code == 429
    # And guessing links of many accounts pauses the address, valid links included.
    for number in range(3):
        guesser.get(url("workspace:password_reset_confirm", "ru", uidb64=f"x{number}", token="1-2"))
    assert guesser.get(reset_link(staff_of(CouncilFactory()))).status_code == 429
    assert workspace_sign_in(guesser, staff_of(CouncilFactory()).username, PASSWORD).status_code == 429


def test_the_holder_of_a_paused_account_can_set_a_new_password_from_a_valid_link(secretary):
    for _ in range(5):
        workspace_sign_in(browser(), secretary.username, "wrong")
    holder = browser("192.0.2.1")
    form = holder.get(reset_link(secretary), follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    new = {"new_password1": "Жаңа-құпиясөз-2026", "new_password2": "Жаңа-құпиясөз-2026"}
    assert holder.post(form.redirect_chain[-1][0], new).status_code == 302
    assert workspace_sign_in(holder, secretary.username, "Жаңа-құпиясөз-2026").status_code == 302  # pause lifted


def test_a_password_typed_on_a_dead_link_is_not_kept(secretary):
    link = url("workspace:password_reset_confirm", "ru", uidb64="MQ", token="set-password")
    browser().post(link, {"new_password1": "Секрет-2026-қ", "new_password2": "Секрет-2026-қ"})
    kept = list(AccessAttempt.objects.values_list("post_data", flat=True))
    assert kept and not any("Секрет-2026-қ" in data for data in kept)


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", ("Кіру уақытша тоқтатылды", "15 минут")), ("ru", ("Вход временно приостановлен", "15 минут"))],
)
def test_the_pause_is_explained_in_the_pages_language(secretary, language, words):
    guesser = browser(language=language)
    for _ in range(5):
        workspace_sign_in(guesser, secretary.username, "wrong", language)
    for response in (
        workspace_sign_in(guesser, secretary.username, PASSWORD, language),
        admin_sign_in(guesser, secretary.username, PASSWORD),  # the admin's language comes from the browser
    ):
        page = response.content.decode()
        assert response.status_code == 429
        assert f'<html lang="{language}">' in page
        for word in words:
            assert word in page


def test_the_page_says_how_long_is_left(secretary):
    guesser = browser(language="ru")
    for _ in range(5):
        workspace_sign_in(guesser, secretary.username, "wrong", "ru")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=10, seconds=30))
    response = workspace_sign_in(guesser, secretary.username, PASSWORD, "ru")
    assert response.status_code == 429 and "Подождите 5 минут " in response.content.decode()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=15, seconds=1))
    assert workspace_sign_in(guesser, secretary.username, PASSWORD, "ru").status_code == 302  # the pause is over
