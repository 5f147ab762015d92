"""Council accounts in the admin: ministry staff open, deactivate and reactivate the accounts of a council's
people and mail them the link to set a password — and can do nothing more with accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation
from councils.models import Council, Membership
from publications.models import OutgoingMail
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    UserFactory,
    consultation_at,
    ministry_staff,
    staff_of,
    url,
)
from workspace.roles import MINISTRY_GROUP

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Жаңа-құпиясөз-2026"


@pytest.fixture
def council():
    return CouncilFactory(name_kk="Ақмола облысының қоғамдық кеңесі", name_ru="Общественный совет Акмолинской области")


def open_account(ministry, council, **fields):
    data = {
        "username": "aigerim",
        "email": "aigerim@akmola.gov.kz",
        "council": council.pk,
        "role": Membership.Role.SECRETARY,
        "full_name_kk": "Айгерім Сәрсенова",
        "full_name_ru": "Айгерим Сарсенова",
        "started_on": "2026-01-10",
        **fields,
    }
    return ministry.post(reverse("admin:auth_user_add"), data)


def mail_link(mail: OutgoingMail, language: str = "kk") -> str:
    return re.search(rf"http://testserver(/{language}/workspace/password-reset/\S+/)", mail.body).group(1)


def sign_in(username: str, password: str) -> Client:
    """A fresh browser that signs in to the workspace; returns it (signed in or not)."""
    browser = Client()
    browser.post(url("workspace:login", "kk"), {"username": username, "password": password})
    return browser


def signed_in(browser: Client) -> bool:
    return browser.get(url("workspace:dashboard", "kk")).status_code == 200


def change_urls(user) -> dict[str, str]:
    return {
        "change": reverse("admin:auth_user_change", args=[user.pk]),
        "delete": reverse("admin:auth_user_delete", args=[user.pk]),
        "password": reverse("admin:auth_user_password_change", args=[user.pk]),
        "history": reverse("admin:auth_user_history", args=[user.pk]),
    }


def run_action(client, action: str, *users):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": action, "_selected_action": [user.pk for user in users]},
    )


# ---------------------------------------------------------------------------------------------------------
# Opening an account


def test_ministry_staff_see_users_in_the_admin(ministry):
    page = ministry.get(reverse("admin:index")).content.decode()
    assert reverse("admin:auth_user_changelist") in page
    assert ministry.get(reverse("admin:auth_user_add")).status_code == 200


def test_the_ministry_opens_a_secretarys_account_who_sets_a_password_and_signs_in(ministry, council):
    response = open_account(ministry, council)
    user = User.objects.get(username="aigerim")
    assert response.status_code == 302
    assert response.url == reverse("admin:auth_user_change", args=[user.pk])

    assert user.is_active and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()
    assert not user.groups.exists() and not user.user_permissions.exists()
    membership = Membership.objects.get(user=user)
    assert (membership.council, membership.role, membership.kind) == (council, Membership.Role.SECRETARY, "")
    assert (membership.full_name_kk, membership.full_name_ru) == ("Айгерім Сәрсенова", "Айгерим Сарсенова")
    assert not signed_in(sign_in("aigerim", ""))
    assert not signed_in(sign_in("aigerim", "anything"))

    mail = OutgoingMail.objects.get(to="aigerim@akmola.gov.kz")
    assert mail.state == OutgoingMail.State.PENDING  # in the outbox: sent after commit, swept if Redis is down
    assert "aigerim" in mail.body and council.name_kk in mail.body and "хатшы" in mail.body

    holder = Client()
    form = holder.get(mail_link(mail), follow=True)
    assert 'name="new_password1"' in form.content.decode()
    response = holder.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302

    browser = sign_in("aigerim", NEW_PASSWORD)
    dashboard = browser.get(url("workspace:dashboard", "kk")).content.decode()
    assert council.name_kk in dashboard
    assert browser.get(url("workspace:council", "kk", council_slug=council.slug)).status_code == 200


def test_the_link_works_once(ministry, council):
    open_account(ministry, council)
    link = mail_link(OutgoingMail.objects.get())
    holder = Client()
    form = holder.get(link, follow=True)
    holder.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again


@pytest.mark.parametrize(
    ("language", "kazakh", "russian"),
    [
        (Council.DocumentLanguage.KAZAKH, True, False),
        (Council.DocumentLanguage.RUSSIAN, False, True),
        (Council.DocumentLanguage.BOTH, True, True),
    ],
)
def test_the_set_password_mail_is_in_the_councils_language(ministry, language, kazakh, russian):
    council = CouncilFactory(document_language=language)
    open_account(ministry, council)
    mail = OutgoingMail.objects.get()
    assert ("/kk/workspace/password-reset/" in mail.body) is kazakh
    assert ("құпиясөз" in mail.body.lower()) is kazakh
    assert ("/ru/workspace/password-reset/" in mail.body) is russian
    assert ("пароль" in mail.body.lower()) is russian


def test_an_account_is_given_to_one_of_the_councils_people_who_had_none(ministry, council):
    chair = MembershipFactory(council=council, role=Membership.Role.CHAIR, full_name_kk="Ерлан Төлеуов")
    MembershipFactory(council=CouncilFactory(), role=Membership.Role.CHAIR, full_name_kk="Басқа кеңестің төрағасы")
    form = ministry.get(reverse("admin:auth_user_add") + f"?council={council.pk}").content.decode()
    assert "Ерлан Төлеуов" in form and "Басқа кеңестің төрағасы" not in form

    response = open_account(
        ministry, council, username="erlan", email="erlan@mail.kz", role="chair", membership=chair.pk,
        full_name_kk="", full_name_ru="",
    )  # fmt: skip
    assert response.status_code == 302
    chair.refresh_from_db()
    assert chair.user.username == "erlan"
    assert Membership.objects.filter(council=council).count() == 1
    assert OutgoingMail.objects.filter(to="erlan@mail.kz").exists()


def test_a_new_member_is_made_with_their_kind(ministry, council):
    open_account(ministry, council, username="member", email="m@mail.kz", role="member", kind="civil_society")
    membership = Membership.objects.get(user__username="member")
    assert (membership.role, membership.kind) == ("member", "civil_society")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"full_name_kk": "", "full_name_ru": ""}, "Жаңа адамның аты-жөнін қазақша және орысша жазыңыз"),
        ({"role": "member", "kind": ""}, "Мүшенің санатын таңдаңыз"),
        ({"email": ""}, "Бұл өрісті толтыру міндетті"),
        ({"username": "AIGERIM"}, "Мұндай пайдаланушы аты бар есептік жазба бұрыннан бар"),
        ({"email": "Taken@Mail.kz"}, "Бұл электрондық пошта басқа есептік жазбада бар"),
    ],
)
def test_a_wrong_form_opens_nothing_and_says_why_in_kazakh(ministry, council, fields, message):
    UserFactory(username="aigerim", email="taken@mail.kz")
    ministry.cookies["django_language"] = "kk"
    before = User.objects.count()
    response = open_account(ministry, council, **{"username": "new", **fields})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == before
    assert not Membership.objects.exists() and not OutgoingMail.objects.exists()


def test_a_person_of_another_role_is_refused(ministry, council):
    member = MembershipFactory(council=council, role=Membership.Role.MEMBER, full_name_ru="Иван Петров")
    ministry.cookies["django_language"] = "ru"
    response = open_account(ministry, council, membership=member.pk, full_name_kk="", full_name_ru="")
    assert "Иван Петров — член совета" in response.content.decode()
    assert not User.objects.filter(username="aigerim").exists()


def test_a_person_who_has_an_account_is_not_offered(ministry, council):
    taken = MembershipFactory(council=council, user=UserFactory(), full_name_kk="Есептік жазбасы бар")
    form = ministry.get(reverse("admin:auth_user_add") + f"?council={council.pk}").content.decode()
    assert "Есептік жазбасы бар" not in form
    response = open_account(ministry, council, role="member", membership=taken.pk, full_name_kk="", full_name_ru="")
    assert response.status_code == 200
    assert taken.user.username != "aigerim"


def test_the_set_password_mail_is_sent_again(ministry, council):
    open_account(ministry, council)
    user = User.objects.get(username="aigerim")
    run_action(ministry, "send_set_password_mail", user)
    assert OutgoingMail.objects.filter(to="aigerim@akmola.gov.kz").count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "closed@mail.kz", "is_active": False}, "учётная запись secretary отключена: сначала включите её"),
        ({"email": ""}, "у учётной записи secretary нет электронной почты: сначала укажите её"),
    ],
)
def test_the_mail_is_not_sent_where_it_cannot_help(ministry, council, fields, message):
    user = staff_of(council, username="secretary", **fields)
    ministry.cookies["django_language"] = "ru"
    run_action(ministry, "send_set_password_mail", user)
    assert not OutgoingMail.objects.exists()
    assert message in ministry.get(reverse("admin:auth_user_changelist")).content.decode().lower()


# ---------------------------------------------------------------------------------------------------------
# Deactivating


def test_a_deactivated_account_cannot_sign_in_and_keeps_its_membership(ministry, council):
    secretary = staff_of(council, username="secretary")
    assert signed_in(sign_in("secretary", "correct-horse-battery-staple"))
    run_action(ministry, "deactivate", secretary)
    secretary.refresh_from_db()
    assert not secretary.is_active
    assert not signed_in(sign_in("secretary", "correct-horse-battery-staple"))
    assert Membership.objects.filter(user=secretary, council=council, role="secretary").exists()

    run_action(ministry, "reactivate", secretary)
    assert signed_in(sign_in("secretary", "correct-horse-battery-staple"))


def test_deactivating_in_the_form_ends_the_holders_session(ministry, council):
    secretary = staff_of(council, username="secretary", email="s@mail.kz")
    browser = sign_in("secretary", "correct-horse-battery-staple")
    response = ministry.post(
        reverse("admin:auth_user_change", args=[secretary.pk]), {"username": "secretary", "email": "s@mail.kz"}
    )
    assert response.status_code == 302
    secretary.refresh_from_db()
    assert not secretary.is_active
    assert not signed_in(browser)


# ---------------------------------------------------------------------------------------------------------
# And nothing more


def test_the_forms_have_no_staff_superuser_group_or_permission_field(ministry, council):
    secretary = staff_of(council)
    for page in (
        ministry.get(reverse("admin:auth_user_add")).content.decode(),
        ministry.get(reverse("admin:auth_user_change", args=[secretary.pk])).content.decode(),
    ):
        for field in ("is_staff", "is_superuser", "groups", "user_permissions", "password1", "usable_password"):
            assert f'name="{field}"' not in page


def test_a_crafted_post_cannot_open_a_staff_or_superuser_account_or_give_groups(ministry, council):
    group = Group.objects.get(name=MINISTRY_GROUP)
    permission = Permission.objects.get(codename="delete_user")
    open_account(
        ministry, council, is_staff="on", is_superuser="on", groups=[group.pk], user_permissions=[permission.pk],
        password1="chosen-by-ministry-1", password2="chosen-by-ministry-1", usable_password="true",
    )  # fmt: skip
    user = User.objects.get(username="aigerim")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists() and not user.user_permissions.exists()
    assert not user.has_usable_password()


def test_a_crafted_post_cannot_make_a_council_account_staff(ministry, council):
    secretary = staff_of(council, username="secretary", email="s@mail.kz")
    group = Group.objects.get(name=MINISTRY_GROUP)
    ministry.post(
        reverse("admin:auth_user_change", args=[secretary.pk]),
        {"username": "secretary", "email": "s@mail.kz", "is_active": "on", "is_staff": "on", "is_superuser": "on",
         "groups": [group.pk], "password": "md5$x$y"},
    )  # fmt: skip
    secretary.refresh_from_db()
    assert not secretary.is_staff and not secretary.is_superuser and not secretary.groups.exists()
    assert secretary.check_password("correct-horse-battery-staple")


@pytest.fixture
def out_of_reach(ministry_user):
    """The accounts ministry staff may not touch, by what they are."""
    return {
        "own": ministry_user,
        "another_ministry": ministry_staff(username="ministry2"),
        "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
        "staff": UserFactory(username="staff", is_staff=True),
        "ministry_without_staff_flag": ministry_staff(username="former", is_staff=False),
    }


def test_accounts_out_of_reach_are_not_listed(ministry, council, out_of_reach):
    secretary = staff_of(council, username="secretary")
    page = ministry.get(reverse("admin:auth_user_changelist")).content.decode()
    assert change_urls(secretary)["change"] in page
    for user in out_of_reach.values():
        assert change_urls(user)["change"] not in page
    search = ministry.get(reverse("admin:auth_user_changelist") + "?q=admin&is_superuser__exact=1")
    assert change_urls(out_of_reach["superuser"])["change"] not in search.content.decode()


@pytest.mark.parametrize("who", ["own", "another_ministry", "superuser", "staff", "ministry_without_staff_flag"])
@pytest.mark.parametrize("page", ["change", "delete", "password", "history"])
def test_accounts_out_of_reach_have_no_page(ministry, out_of_reach, who, page):
    target = out_of_reach[who]
    address = change_urls(target)[page]
    assert ministry.get(address).status_code in (403, 404)
    response = ministry.post(address, {"username": "taken", "is_active": "", "post": "yes", "password1": "x"})
    assert response.status_code in (403, 404)
    target.refresh_from_db()
    assert target.username == out_of_reach[who].username and target.is_active


@pytest.mark.parametrize("who", ["own", "another_ministry", "superuser", "staff"])
def test_actions_pass_over_accounts_out_of_reach(ministry, out_of_reach, who):
    target = out_of_reach[who]
    target.email = "t@mail.kz"
    target.save()
    run_action(ministry, "deactivate", target)
    run_action(ministry, "send_set_password_mail", target)
    target.refresh_from_db()
    assert target.is_active
    assert not OutgoingMail.objects.exists()


def test_ministry_staff_delete_no_account(ministry, council):
    secretary = staff_of(council)
    assert ministry.get(change_urls(secretary)["delete"]).status_code == 403
    assert ministry.post(change_urls(secretary)["delete"], {"post": "yes"}).status_code == 403
    run_action(ministry, "delete_selected", secretary)
    assert User.objects.filter(pk=secretary.pk).exists()
    assert 'value="delete_selected"' not in ministry.get(reverse("admin:auth_user_changelist")).content.decode()


def test_ministry_staff_set_no_password(ministry, council):
    secretary = staff_of(council)
    address = change_urls(secretary)["password"]
    assert ministry.get(address).status_code == 403
    ministry.post(address, {"password1": "chosen-by-ministry-1", "password2": "chosen-by-ministry-1"})
    secretary.refresh_from_db()
    assert secretary.check_password("correct-horse-battery-staple")


def test_a_council_account_has_its_history_page(ministry, council):
    secretary = staff_of(council)
    assert ministry.get(change_urls(secretary)["history"]).status_code == 200


def test_a_secretary_cannot_reach_the_admin(client, council):
    secretary = staff_of(council, username="secretary")
    client.force_login(secretary)
    for address in (reverse("admin:index"), reverse("admin:auth_user_changelist"), reverse("admin:auth_user_add")):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
    response = Client().post(
        reverse("admin:login"), {"username": "secretary", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 200  # the sign-in form again: not a staff account


def test_ministry_staff_never_reach_citizens_contacts(ministry):
    consultation = consultation_at(Consultation.State.POSITION_PUBLISHED)
    proposal = consultation.proposals.first()
    proposal.contact = "aigul.secret@mail.kz"
    proposal.save()
    page = ministry.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "aigul.secret@mail.kz" not in page
    # The outbox holds contacts, and the set-password links too.
    assert ministry.get(reverse("admin:publications_outgoingmail_changelist")).status_code == 403
    assert ministry.get(reverse("admin:publications_subscription_changelist")).status_code == 403


def test_a_superuser_keeps_djangos_full_user_admin(client, council):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    staff = ministry_staff(username="ministry2")
    page = client.get(reverse("admin:auth_user_change", args=[staff.pk])).content.decode()
    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' in page
    assert 'name="password1"' in client.get(reverse("admin:auth_user_add")).content.decode()
    assert client.get(change_urls(staff)["delete"]).status_code == 200
    # …and may open a council account from a council's page
    form = client.get(reverse("admin:auth_user_add") + f"?council={council.pk}").content.decode()
    assert 'name="full_name_kk"' in form


def test_the_councils_page_links_to_opening_an_account(ministry, council):
    MembershipFactory(council=council)
    page = ministry.get(reverse("admin:councils_council_change", args=[council.pk])).content.decode()
    assert f"{reverse('admin:auth_user_add')}?council={council.pk}" in page
    # …and not to Django's bare "add another user" popup, which would send no mail
    assert f"{reverse('admin:auth_user_add')}?_to_field" not in page


def test_the_list_of_accounts_costs_the_same_queries_however_many_accounts(ministry, council):
    def queries(count: int) -> int:
        for _n in range(count):
            staff_of(CouncilFactory())
        with CaptureQueriesContext(connection) as captured:
            assert ministry.get(reverse("admin:auth_user_changelist")).status_code == 200
        return len(captured)

    assert queries(2) == queries(6)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Кеңестегі орны", "Құпиясөз орнату хатын қайта жіберу", "Таңдалған есептік жазбаларды өшіру"]),
        (
            "ru",
            ["Место в совете", "Отправить письмо для установки пароля ещё раз", "Отключить выбранные учётные записи"],
        ),
    ],
)
def test_the_accounts_admin_speaks_kazakh_and_russian(ministry, council, language, words):
    staff_of(council)
    ministry.cookies["django_language"] = language
    page = ministry.get(reverse("admin:auth_user_changelist")).content.decode()
    for word in words:
        assert word in page


def test_the_ministry_cannot_take_over_an_account_whose_holder_set_a_password(ministry, council):
    secretary = staff_of(council, username="secretary", email="secretary@akmola.gov.kz")
    response = ministry.post(
        change_urls(secretary)["change"], {"username": "secretary", "email": "someone@mail.kz", "is_active": "on"}
    )
    assert response.status_code == 200 and "бұл есептік жазбаны өшіріп" in response.content.decode()
    secretary.refresh_from_db()
    assert secretary.email == "secretary@akmola.gov.kz"
    run_action(ministry, "send_set_password_mail", secretary)
    assert not OutgoingMail.objects.exists()
