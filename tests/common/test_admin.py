"""The admin: ministry staff read everything and change only the ministry's own data; nobody moves a state."""

import json

import pytest
from django.apps import apps
from django.urls import reverse

from consultations.models import Consultation
from tests.factories import UserFactory, consultation_at
from workspace.roles import PRIVATE_MODELS

pytestmark = pytest.mark.django_db
COUNCIL_CONTENT = ["consultations", "proposals", "publications"]


@pytest.fixture
def superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def published():
    return consultation_at(Consultation.State.POSITION_PUBLISHED, occasion=Consultation.Occasion.DRAFT_ACT)


def project_models():
    for label in ("councils", "consultations", "proposals", "publications"):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in PRIVATE_MODELS:
                yield model


def test_ministry_staff_cannot_read_the_outgoing_mail_with_its_addresses(ministry):
    assert ministry.get(reverse("admin:publications_outgoingmail_changelist")).status_code == 403


@pytest.mark.parametrize("model", list(project_models()), ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_list_that_ministry_staff_can_read(ministry, published, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = ministry.get(url)
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        response = ministry.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
        )
        assert response.status_code == 200


def test_ministry_staff_cannot_change_council_content(ministry, published):
    url = reverse("admin:consultations_consultation_change", args=[published.pk])
    response = ministry.post(url, {"title_kk": "Өзгертілді", "title_ru": "Изменено"})
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title_ru != "Изменено"
    page = ministry.get(url).content.decode()
    assert 'name="title_ru"' not in page  # shown, not editable


def test_ministry_staff_edit_the_list_of_councils(ministry, published):
    council = published.schedule.council
    response = ministry.get(reverse("admin:councils_council_change", args=[council.pk]))
    assert 'name="name_ru"' in response.content.decode()


def test_ministry_staff_never_see_a_citizens_contact(ministry, published):
    proposal = published.proposals.first()
    proposal.contact = "aigul.secret@mail.kz"
    proposal.save()
    page = ministry.get(reverse("admin:proposals_proposal_change", args=[proposal.pk])).content.decode()
    assert "aigul.secret@mail.kz" not in page


def test_no_admin_form_offers_to_change_a_state(superuser, published):
    for name, obj in (
        ("consultations_consultation", published),
        ("consultations_quarterlyschedule", published.schedule),
    ):
        page = superuser.get(reverse(f"admin:{name}_change", args=[obj.pk])).content.decode()
        assert 'name="state"' not in page


def test_the_transition_log_is_read_only_even_for_a_superuser(superuser, published):
    entry = published.transitions.first()
    response = superuser.post(
        reverse("admin:consultations_consultationtransition_change", args=[entry.pk]), {"note": "x"}
    )
    assert response.status_code == 403
    response = superuser.post(
        reverse("admin:consultations_consultationtransition_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert published.transitions.filter(pk=entry.pk).exists()


@pytest.mark.parametrize(("language", "header"), [("kk", "Qogam: әкімшілік"), ("ru", "Qogam: администрирование")])
def test_the_admin_speaks_kazakh_and_russian(superuser, published, language, header):
    superuser.cookies["django_language"] = language
    page = superuser.get(
        reverse("admin:consultations_consultation_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert header in page
    assert published.title_kk in page if language == "kk" else published.title_ru in page
    assert "Даңғо" not in page


def test_the_admin_switches_language_and_keeps_the_page(superuser, published):
    changelist = reverse("admin:consultations_consultation_changelist")
    superuser.cookies["django_language"] = "kk"
    assert 'value="ru"' in superuser.get(changelist).content.decode()

    response = superuser.post(reverse("set_language"), {"language": "ru", "next": changelist})

    assert response.status_code == 302 and response["Location"] == changelist
    page = superuser.get(changelist).content.decode()
    assert "Qogam: администрирование" in page and published.title_ru in page


def test_djangos_wrong_kazakh_is_corrected_and_one_term_names_the_user(superuser, published):
    superuser.cookies["django_language"] = "kk"
    index = superuser.get(reverse("admin:index")).content.decode()
    user_form = superuser.get(reverse("admin:auth_user_add")).content.decode()

    assert "Өзгерту" in index and "Өзгетру" not in index
    assert "Пайдаланушы аты" in user_form
    assert "Қолданушы" not in index + user_form and "қолданушы" not in index + user_form


def test_every_field_the_admin_shows_is_named_in_the_admins_language():
    """A field without a verbose name is shown by its code ("Consultation:", "LAST NUMBER") on a Kazakh or
    Russian page: every field of the project's models that the admin lists or shows has a translated name."""
    from django.contrib import admin
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.functional import Promise

    unnamed = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("councils", *COUNCIL_CONTENT):
            continue
        names = {name for name in model_admin.list_display if isinstance(name, str)}
        excluded = model_admin.exclude or ()
        shown = (f for f in model._meta.concrete_fields if f.editable and not f.auto_created)
        names |= {f.name for f in shown if f.name not in excluded}
        for name in names:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a method of the admin, with its own description
            if not isinstance(field.verbose_name, Promise):
                unnamed.append(f"{model._meta.label}.{name}")
    assert not unnamed, unnamed


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_log_of_steps_names_actions_and_states_in_the_admins_language(superuser, published, language):
    from django.utils import translation

    from consultations import workflow

    superuser.cookies["django_language"] = language
    page = superuser.get(reverse("admin:consultations_consultation_change", args=[published.pk])).content.decode()
    with translation.override(language):
        published_label = str(Consultation.State.POSITION_PUBLISHED.label)
        action = str(workflow.PUBLISH_POSITION.label)
    assert published_label in page and action in page
    assert ">publish_position<" not in page and "→ position_published" not in page


@pytest.mark.parametrize(
    ("language", "words"), [("kk", ["Қаңтар", "Күнді таңдаңыз", "Жексенбі"]), ("ru", ["Январь", "Выберите дату"])]
)
def test_the_admins_date_picker_speaks_the_admins_language(superuser, language, words):
    """Django's Kazakh catalogue for the admin's scripts lacks the calendar (months, days, "Choose a Date"):
    ours (locale/kk/LC_MESSAGES/djangojs.po) completes it."""
    superuser.cookies["django_language"] = language
    catalogue = superuser.get(reverse("admin:jsi18n")).content.decode()
    missing = [word for word in words if json.dumps(word)[1:-1] not in catalogue]  # written as \u escapes
    assert not missing, missing
