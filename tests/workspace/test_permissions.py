"""The permission matrix: every workspace view × (anonymous, member, secretary of this council, secretary of
another council, ministry staff) → the expected answer."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Consultation, InformationRequest
from councils.models import Membership, Reception
from proposals.models import Proposal
from publications.models import Announcement
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    UserFactory,
    consultation_at,
    ministry_staff,
    quorate_meeting,
    staff_of,
    url,
    write_recommendation,
)

pytestmark = pytest.mark.django_db

READ = "read"  # members may open it
ACT = "act"  # only the secretary, chair or deputy chair


@pytest.fixture
def world():
    council = CouncilFactory()
    secretary = staff_of(council)
    consultation = consultation_at(
        Consultation.State.PROPOSALS_COMPILED, occasion="draft_act", council=council, by=secretary
    )
    meeting = quorate_meeting(council)
    member_user = UserFactory()
    member = MembershipFactory(council=council, user=member_user, role=Membership.Role.MEMBER)
    reception = Reception.objects.create(
        member=member, starts_at=timezone.now() + datetime.timedelta(days=2), place_kk="Кеңсе"
    )
    request = InformationRequest.objects.create(
        consultation=consultation, addressee_kk="Министрлік", subject_kk="Ақпарат", requested_on=timezone.localdate()
    )
    from consultations import pdf

    document = pdf.preview("proposals", consultation=consultation)
    write_recommendation(consultation)
    from consultations import services

    scheduled = services.write_news(
        consultation, by=secretary, title_kk="Жаңалық", title_ru="Новость", text_kk="Мәтін", text_ru="Текст",
        publish_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from publications.services import record_publication

    recorded = record_publication(
        Announcement.objects.about(consultation).get(event="consultation.announced"), by=secretary,
        outlet_kind="newspaper", outlet="Газет", published_on=timezone.localdate(),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan"),
    )  # fmt: skip
    other_council = CouncilFactory()
    ministry = ministry_staff()
    return {
        "council": council,
        "consultation": consultation,
        "meeting": meeting,
        "reception": reception,
        "request": request,
        "document": document,
        "scheduled": scheduled,
        "recorded": recorded,
        "users": {
            "member": member_user,
            "secretary": secretary,
            "other_secretary": staff_of(other_council),
            "ministry": ministry,
        },
    }


def views(w):
    """(name, method, kwargs, kind, data)."""
    c, s = w["council"], w["consultation"]
    year, quarter = s.schedule.year, s.schedule.quarter
    schedule = {"council_slug": c.slug, "year": year, "quarter": quarter}
    slug = {"slug": s.slug}
    listed = s.proposals.filter(moderation="listed").first()
    return [
        ("council", "get", {"council_slug": c.slug}, READ, None),
        ("meeting_new", "get", {"council_slug": c.slug}, ACT, None),
        ("meeting_edit", "get", {"council_slug": c.slug, "pk": w["meeting"].pk}, ACT, None),
        (
            "meeting_edit",
            "post",
            {"council_slug": c.slug, "pk": w["meeting"].pk},
            ACT,
            {"date": "2026-01-10", "agenda_kk": "x"},
        ),
        ("attendance", "get", {"council_slug": c.slug, "pk": w["meeting"].pk}, READ, None),
        ("attendance", "post", {"council_slug": c.slug, "pk": w["meeting"].pk}, ACT, {}),
        ("reception_new", "get", {"council_slug": c.slug}, ACT, None),
        ("reception_edit", "get", {"council_slug": c.slug, "pk": w["reception"].pk}, ACT, None),
        ("schedule", "get", schedule, READ, None),
        ("consultation_new", "get", schedule, ACT, None),
        ("schedule_approve", "post", schedule, ACT, {"meeting": w["meeting"].pk}),
        (
            "schedule_publish",
            "post",
            schedule,
            ACT,
            {
                "occurred_on": timezone.localdate().isoformat(),
                "title_kk": "Т",
                "title_ru": "Т",
                "text_kk": "Т",
                "text_ru": "Т",
            },
        ),
        ("schedule_revise", "post", schedule, ACT, {"reason": "x"}),
        ("consultation", "get", slug, READ, None),
        ("consultation_edit", "get", slug, ACT, None),
        ("consultation_remove", "post", slug, ACT, {}),
        (
            "step",
            "post",
            {**slug, "name": "step_back"},
            ACT,
            {"reason": "x", "occurred_on": timezone.localdate().isoformat()},
        ),
        ("questions", "get", slug, READ, None),
        ("questions", "post", slug, ACT, {"questions-TOTAL_FORMS": "0", "questions-INITIAL_FORMS": "0"}),
        ("recommendation", "get", slug, READ, None),
        ("position", "get", slug, READ, None),
        ("position", "post", slug, ACT, {"text_kk": "Ұстаным", "text_ru": "Позиция"}),
        ("state_body", "get", slug, READ, None),
        ("news", "post", slug, ACT, {"title_kk": "Жаңалық", "text_kk": "Мәтін"}),
        ("scheduled_announcement", "get", {**slug, "pk": w["scheduled"].pk}, ACT, None),
        (
            "scheduled_announcement",
            "post",
            {**slug, "pk": w["scheduled"].pk},
            ACT,
            {"title_kk": "Ж", "title_ru": "Н", "text_kk": "М", "text_ru": "Т", "publish_at": "2099-01-01T10:00"},
        ),
        ("meeting_announce", "get", {"council_slug": c.slug, "pk": w["meeting"].pk}, ACT, None),
        ("meeting_announce", "post", {"council_slug": c.slug, "pk": w["meeting"].pk}, ACT, {"title_kk": "Т"}),
        ("request_new", "get", slug, ACT, None),
        ("request_edit", "get", {**slug, "pk": w["request"].pk}, ACT, None),
        ("inbox", "get", slug, READ, None),
        ("sort", "post", slug, ACT, {"proposals": [listed.pk], "action": "list"}),
        ("entry", "get", slug, ACT, None),
        ("proposal", "get", {**slug, "reference": listed.reference}, READ, None),
        ("proposal", "post", {**slug, "reference": listed.reference}, ACT, {"language": "ru", "question": ""}),
        (
            "proposal_answered",
            "post",
            {**slug, "reference": listed.reference},
            ACT,
            {"answered_on": timezone.localdate().isoformat()},
        ),
        ("document", "get", {"pk": w["document"].pk}, READ, None),
        ("document_file", "get", {"pk": w["document"].pk}, READ, None),
        # Last: a new preview replaces the one above.
        ("preview", "post", {**slug, "kind": "proposals"}, ACT, {}),
        ("schedule_preview", "post", schedule, ACT, {}),
        ("record_publication", "get", {"pk": w["recorded"].announcement_id}, ACT, None),
        ("recorded_publication", "get", {"pk": w["recorded"].pk}, ACT, None),
        ("recorded_scan", "get", {"pk": w["recorded"].pk}, READ, None),
        ("remove_recorded_publication", "post", {"pk": w["recorded"].pk}, ACT, {}),
    ]


def answer(client, user, name, method, kwargs, data):
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url(f"workspace:{name}", **kwargs), data or {})


EXPECTED = {
    # role: (answer to a READ view, to an ACT view)
    "member": ({200}, {403}),
    "secretary": ({200}, {200, 302, 400}),
    "other_secretary": ({404}, {404}),
    "ministry": ({404}, {404}),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_workspace_view_answers_each_role_as_it_should(client, world, role):
    user = world["users"][role]
    wrong = []
    for name, method, kwargs, kind, data in views(world):
        response = answer(client, user, name, method, kwargs, data)
        expected = EXPECTED[role][0 if kind == READ else 1]
        if response.status_code not in expected:
            wrong.append((name, method, response.status_code, expected))
    assert not wrong


def test_anonymous_visitors_are_sent_to_sign_in_from_every_view(client, world):
    for name, method, kwargs, _kind, data in views(world):
        response = answer(client, None, name, method, kwargs, data)
        assert response.status_code == 302, name
        assert url("workspace:login") in response.url, name


def test_another_councils_secretary_changes_nothing(client, world):
    consultation = world["consultation"]
    before = (
        consultation.state,
        consultation.transitions.count(),
        Proposal.objects.filter(moderation="listed").count(),
        list(Announcement.objects.values_list("pk", "title_kk", "publish_at", "published_at")),
    )
    client.force_login(world["users"]["other_secretary"])
    for name, method, kwargs, _kind, data in views(world):
        if method == "post":
            assert answer(client, None, name, method, kwargs, data).status_code == 404
    consultation.refresh_from_db()
    assert (
        consultation.state,
        consultation.transitions.count(),
        Proposal.objects.filter(moderation="listed").count(),
        list(Announcement.objects.values_list("pk", "title_kk", "publish_at", "published_at")),
    ) == before


def test_a_member_does_not_see_citizens_contacts_in_the_inbox(client, world):
    consultation = world["consultation"]
    Proposal.objects.filter(consultation=consultation).update(contact="private.contact@mail.kz")
    client.force_login(world["users"]["member"])
    page = client.get(url("workspace:inbox", slug=consultation.slug)).content.decode()
    assert consultation.proposals.first().reference in page
    assert "private.contact@mail.kz" not in page
    client.force_login(world["users"]["secretary"])
    page = client.get(url("workspace:inbox", slug=consultation.slug)).content.decode()
    assert "private.contact@mail.kz" in page


def test_the_dashboard_lists_only_my_councils(client, world):
    client.force_login(world["users"]["other_secretary"])
    page = client.get(url("workspace:dashboard")).content.decode()
    assert world["council"].name_kk not in page and world["consultation"].title_kk not in page
    client.force_login(world["users"]["secretary"])
    page = client.get(url("workspace:dashboard")).content.decode()
    assert world["consultation"].title_kk in page
