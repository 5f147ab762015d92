"""A consultation driven from planned to position published through the workspace's pages, as a secretary
would, for a draft legal act and for an appeal; and each refusal when a condition is missing."""

import datetime
import re
import uuid

import pytest
from django.http import HttpRequest
from django.utils import timezone

from consultations.models import Consultation, QuarterlySchedule
from councils.models import Meeting
from proposals.models import Proposal
from tests.factories import CouncilFactory, members_of, staff_of, url

pytestmark = pytest.mark.django_db
State = Consultation.State
TODAY = timezone.localdate


def post(client, view, data, /, **kwargs):
    return client.post(url(view, **kwargs), data)


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def council():
    council = CouncilFactory()
    members_of(council, 6)
    return council


@pytest.fixture
def secretary(client, council):
    user = staff_of(council)
    client.force_login(user)
    return user


def record_meeting(client, council, *, attending: int | None = None) -> Meeting:
    response = post(
        client, "workspace:meeting_new",
        {"date": (TODAY() - datetime.timedelta(days=10)).isoformat(), "agenda_kk": "1. Кестені бекіту",
         "agenda_ru": "1. Утверждение графика", "protocol_number": "3"},
        council_slug=council.slug,
    )  # fmt: skip
    assert response.status_code == 302, page_text(response)
    meeting = Meeting.objects.filter(council=council).latest("id")
    members = list(council.memberships.filter(role__in=["chair", "deputy_chair", "member"]))
    chosen = members if attending is None else members[:attending]
    response = post(
        client, "workspace:attendance", {"attendees": [m.pk for m in chosen]}, council_slug=council.slug, pk=meeting.pk
    )
    assert response.status_code == 302
    return meeting


def plan(client, council, occasion: str) -> Consultation:
    now = timezone.localtime()
    year, quarter = TODAY().year, (TODAY().month - 1) // 3 + 1
    data = {
        "occasion": occasion,
        "title_kk": "Саябақтарды абаттандыру",
        "title_ru": "Благоустройство парков",
        "description_kk": "Сипаттама",
        "description_ru": "Описание",
        "format": "in_person",
        "venue_kk": "Әкімдіктің мәжіліс залы",
        "venue_ru": "Зал заседаний акимата",
        "participation_kk": "Ұсыныстарды порталда жіберіңіз.",
        "participation_ru": "Направляйте предложения на портале.",
        "starts_on": TODAY().isoformat(),
        "ends_on": (TODAY() + datetime.timedelta(days=14)).isoformat(),
        "window_opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "window_closes_at": (now + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
    }
    if occasion == "draft_act":
        data |= {
            "act_title_kk": "«Саябақтар туралы» қағидалардың жобасы",
            "act_title_ru": "Проект правил «О парках»",
            "act_number": "ДП-2026-0001",
            "act_url": "https://legalacts.egov.kz/npa/view?id=1",
            "social_effect_kk": "Тұрғындар үшін жайлы орта",
            "social_effect_ru": "Комфортная среда для жителей",
        }
    response = post(client, "workspace:consultation_new", data, council_slug=council.slug, year=year, quarter=quarter)
    assert response.status_code == 302, page_text(response)
    consultation = Consultation.objects.filter(schedule__council=council).latest("id")
    response = post(
        client, "workspace:questions",
        {"questions-TOTAL_FORMS": "2", "questions-INITIAL_FORMS": "0",
         "questions-0-text_kk": "Қандай орындықтар керек?", "questions-0-text_ru": "Какие скамейки нужны?",
         "questions-1-text_kk": "", "questions-1-text_ru": ""},
        slug=consultation.slug,
    )  # fmt: skip
    assert response.status_code == 302
    return consultation


def step(client, consultation, name, data=None):
    return post(
        client, "workspace:step", data or {"occurred_on": TODAY().isoformat()}, slug=consultation.slug, name=name
    )


def texts_of(client, consultation):
    """The announcement fields as the consultation's page prepared them."""
    return prepared_texts(client.get(url("workspace:consultation", slug=consultation.slug)).content.decode())


def prepared_texts(html):
    """An announcement's title and text fields, as a page prepared them."""
    fields = {}
    for name in ("title_kk", "title_ru"):
        fields[name] = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
    for name in ("text_kk", "text_ru"):
        fields[name] = re.search(rf'<textarea name="{name}"[^>]*>\s*(.*?)</textarea>', html, re.S).group(1)
    return fields


@pytest.mark.parametrize("occasion", ["draft_act", "appeal"])
def test_a_secretary_runs_a_consultation_through_every_step_in_the_browser_pages(client, council, secretary, occasion):
    meeting = record_meeting(client, council)
    consultation = plan(client, council, occasion)
    year, quarter = consultation.schedule.year, consultation.schedule.quarter
    schedule_kwargs = {"council_slug": council.slug, "year": year, "quarter": quarter}

    assert post(client, "workspace:schedule_approve", {"meeting": meeting.pk}, **schedule_kwargs).status_code == 302
    prepared = prepared_texts(client.get(url("workspace:schedule", **schedule_kwargs)).content.decode())
    assert "Благоустройство парков" in prepared["text_ru"]  # the schedule's announcement, prepared
    prepared["title_ru"] = "График консультаций совета на квартал"  # and edited before it goes out
    response = post(
        client, "workspace:schedule_publish", {"occurred_on": TODAY().isoformat(), **prepared}, **schedule_kwargs
    )
    assert response.status_code == 302
    assert QuarterlySchedule.objects.get(council=council).state == "published"
    from publications.models import Announcement

    assert Announcement.objects.get(event="schedule.published").title_ru == "График консультаций совета на квартал"

    assert step(client, consultation, "decide", {"meeting": meeting.pk}).status_code == 302
    assert step(client, consultation, "approve_questions", {"meeting": meeting.pk}).status_code == 302
    announce = {"occurred_on": TODAY().isoformat(), **texts_of(client, consultation)}
    assert "Благоустройство парков" in announce["title_ru"]
    assert step(client, consultation, "announce", announce).status_code == 302
    assert step(client, consultation, "open_intake").status_code == 302
    consultation.refresh_from_db()
    assert consultation.state == State.HELD

    # A citizen proposes on the portal; the secretary enters one received by mail.
    client.logout()
    client.post(
        url("proposals:propose", "ru", slug=consultation.slug),
        {"author_name": "Алия", "author_kind": "citizen", "text": "Больше скамеек вдоль аллей.", "consent": "on",
         "token": str(uuid.uuid4())},
    )  # fmt: skip
    client.force_login(secretary)
    response = post(
        client, "workspace:entry",
        {"channel": "mail", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "language": "kk",
         "author_name": "Ерлан", "author_kind": "citizen", "text": "Жарықтандыруды күшейту керек."},
        slug=consultation.slug,
    )  # fmt: skip
    assert response.status_code == 302, page_text(response)
    proposals = list(consultation.proposals.order_by("id"))
    assert [p.channel for p in proposals] == ["portal", "mail"]

    assert (
        post(
            client, "workspace:sort", {"proposals": [p.pk for p in proposals], "action": "list"}, slug=consultation.slug
        ).status_code
        == 302
    )
    # The window is still open: the list waits for the intake to close, which the secretary does early.
    response = step(client, consultation, "compile_proposals")
    assert response.status_code == 400 and "қабылдауды қазір тоқтатыңыз" in page_text(response)
    early = {"reason_kk": "Ұсыныстар жеткілікті.", "reason_ru": "Предложений достаточно."}
    assert step(client, consultation, "close_intake", early).status_code == 302
    assert step(client, consultation, "compile_proposals").status_code == 302

    if occasion == "draft_act":
        response = post(
            client, "workspace:recommendation",
            {"introduction_kk": "Кеңес ұсынады:", "introduction_ru": "Совет рекомендует:",
             "points-TOTAL_FORMS": "1", "points-INITIAL_FORMS": "0",
             "points-0-text_kk": "Орындықтар санын көбейту.", "points-0-text_ru": "Увеличить число скамеек.",
             "points-0-proposals": [proposals[0].pk]},
            slug=consultation.slug,
        )  # fmt: skip
        assert response.status_code == 302, page_text(response)
        assert step(client, consultation, "draft_recommendation").status_code == 302

    response = post(
        client, "workspace:sort",
        {"proposals": [p.pk for p in proposals], "action": "decide", "decision": "taken_into_account",
         "reasons_kk": "Ұсыныс орынды.", "reasons_ru": "Предложение обоснованно."},
        slug=consultation.slug,
    )  # fmt: skip
    assert response.status_code == 302
    assert (
        post(
            client,
            "workspace:position",
            {"text_kk": "Кеңес қолдайды.", "text_ru": "Совет поддерживает."},
            slug=consultation.slug,
        ).status_code
        == 302
    )
    fields = texts_of(client, consultation)
    assert (
        step(client, consultation, "publish_position", {"occurred_on": TODAY().isoformat(), **fields}).status_code
        == 302
    )

    consultation.refresh_from_db()
    assert consultation.state == State.POSITION_PUBLISHED
    expected = ["decide", "approve_questions", "announce", "open_intake", "close_intake", "compile_proposals"]
    expected += ["draft_recommendation"] if occasion == "draft_act" else []
    assert list(consultation.transitions.values_list("name", flat=True)) == [*expected, "publish_position"]
    results = client.get(url("consultations:detail", "ru", slug=consultation.slug))
    assert "досрочно завершил приём предложений" in page_text(results) and "Предложений достаточно." in page_text(
        results
    )
    results = client.get(url("consultations:results", "ru", slug=consultation.slug))
    assert "Совет поддерживает." in page_text(results) and "Больше скамеек вдоль аллей." in page_text(results)


def test_a_step_on_a_meeting_without_quorum_is_refused_with_the_figures_and_changes_nothing(client, council, secretary):
    consultation = plan(client, council, "appeal")
    meeting = record_meeting(client, council, attending=3)  # 3 of 6
    response = step(client, consultation, "decide", {"meeting": meeting.pk})
    assert response.status_code == 400
    with_figures = page_text(
        client.post(url("workspace:step", "ru", slug=consultation.slug, name="decide"), {"meeting": meeting.pk})
    )
    assert "3 из 6" in with_figures and "необходимо 4" in with_figures
    consultation.refresh_from_db()
    assert consultation.state == State.PLANNED and not consultation.transitions.exists()


def test_each_refusal_says_what_is_missing_in_the_users_language(client, council, secretary):
    meeting = record_meeting(client, council)
    consultation = plan(client, council, "appeal")
    Consultation.objects.filter(pk=consultation.pk).update(venue_kk="", venue_ru="")
    assert step(client, consultation, "decide", {"meeting": meeting.pk}).status_code == 302
    assert step(client, consultation, "approve_questions", {"meeting": meeting.pk}).status_code == 302

    announce = {"occurred_on": TODAY().isoformat(), **texts_of(client, consultation)}
    response = post(client, "workspace:step", announce, slug=consultation.slug, name="announce")
    assert response.status_code == 400
    assert "Консультация өтетін орын" in page_text(response) or "орынды" in page_text(response)
    response = client.post(url("workspace:step", "ru", slug=consultation.slug, name="announce"), announce)
    assert "место проведения" in page_text(response).lower()
    consultation.refresh_from_db()
    assert consultation.state == State.QUESTIONS_APPROVED


def test_forming_the_list_is_refused_while_a_proposal_is_unsorted_and_names_it(client, council, secretary):
    from tests.factories import add_proposal, closed_window, consultation_at

    consultation = consultation_at(State.HELD, council=council, by=secretary, listed_proposals=0, **closed_window())
    proposal = add_proposal(consultation, by=secretary)
    response = step(client, consultation, "compile_proposals")
    assert response.status_code == 400 and proposal.reference in page_text(response)
    consultation.refresh_from_db()
    assert consultation.state == State.HELD


def test_a_double_click_on_a_step_takes_it_once(client, council, secretary):
    from tests.factories import consultation_at

    consultation = consultation_at(State.ANNOUNCED, council=council, by=secretary)
    first = step(client, consultation, "open_intake")
    second = step(client, consultation, "open_intake")
    assert first.status_code == 302 and second.status_code == 400
    assert consultation.transitions.filter(to_state=State.HELD).count() == 1


def test_proposal_handling_duplicates_and_set_aside_with_reasons(client, council, secretary):
    from tests.factories import add_proposal, consultation_at

    consultation = consultation_at(State.HELD, council=council, by=secretary, listed_proposals=0)
    original = add_proposal(consultation, by=secretary, text="Саябаққа орындықтар қою керек.")
    repeat = add_proposal(consultation, by=secretary, text="Саябаққа орындық қойыңыздар.")
    spam = add_proposal(consultation, by=secretary, text="Арзан несие! Қоңырау шалыңыз.")
    response = post(
        client,
        "workspace:sort",
        {"proposals": [repeat.pk], "action": "set_aside", "reason": "duplicate"},
        slug=consultation.slug,
    )
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.moderation == "new"  # refused: the original was not given
    post(
        client, "workspace:sort",
        {"proposals": [repeat.pk], "action": "set_aside", "reason": "duplicate",
         "duplicate_of": original.reference.lower()},
        slug=consultation.slug,
    )  # fmt: skip
    post(
        client,
        "workspace:sort",
        {"proposals": [spam.pk], "action": "set_aside", "reason": "spam", "note": "Жарнама"},
        slug=consultation.slug,
    )
    repeat.refresh_from_db()
    spam.refresh_from_db()
    assert (repeat.moderation, repeat.duplicate_of) == ("set_aside", original)
    assert (spam.set_aside_reason, spam.set_aside_note) == ("spam", "Жарнама")
    assert spam.events.filter(action="set_aside", by=secretary).exists()
    inbox = client.get(url("workspace:inbox", slug=consultation.slug) + "?moderation=set_aside")
    assert repeat.reference in inbox.content.decode() and original.reference in inbox.content.decode()


def test_bulk_decisions_need_reasons_in_both_languages(client, council, secretary):
    from tests.factories import consultation_at

    consultation = consultation_at(State.PROPOSALS_COMPILED, council=council, by=secretary, listed_proposals=3)
    ids = list(consultation.proposals.values_list("pk", flat=True))
    response = post(
        client, "workspace:sort",
        {"proposals": ids, "action": "decide", "decision": "not_taken", "reasons_kk": "Себеп"},
        slug=consultation.slug,
    )  # fmt: skip
    assert response.status_code == 302
    assert not Proposal.objects.filter(pk__in=ids).exclude(decision="").exists()
    post(
        client, "workspace:sort",
        {"proposals": ids, "action": "decide", "decision": "not_taken", "reasons_kk": "Себеп", "reasons_ru": "Причина"},
        slug=consultation.slug,
    )  # fmt: skip
    assert set(Proposal.objects.filter(pk__in=ids).values_list("decision", flat=True)) == {"not_taken"}


def test_failed_sign_ins_are_throttled_with_a_clear_message(client, council, settings):
    from tests.factories import PASSWORD

    settings.SIGNIN_ATTEMPTS = 3
    user = staff_of(council)
    client.logout()
    for _ in range(2):
        response = client.post(url("workspace:login", "ru"), {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(url("workspace:login", "ru"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 429  # the third failure says so at once
    response = client.post(url("workspace:login", "ru"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429 and "Слишком много неудачных попыток" in page_text(response)
    assert "_auth_user_id" not in client.session
    other = client.post(url("workspace:login", "ru"), {"username": staff_of(council).username, "password": PASSWORD})
    assert other.status_code == 302  # another account is not locked


def test_the_secretary_signs_in_and_out(client, council):
    from tests.factories import PASSWORD

    user = staff_of(council)
    response = client.post(url("workspace:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == url("workspace:dashboard")
    assert client.get(url("workspace:dashboard")).status_code == 200
    client.post(url("workspace:logout"))
    assert client.get(url("workspace:dashboard")).status_code == 302


def test_a_meeting_records_its_protocol_file_and_refuses_anything_but_a_pdf(client, council, secretary):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        url("workspace:meeting_new", council_slug=council.slug),
        {
            "date": TODAY().isoformat(),
            "agenda_kk": "Күн тәртібі",
            "protocol_file_kk": SimpleUploadedFile("p.pdf", b"not a pdf"),
        },
    )
    assert response.status_code == 200 and not Meeting.objects.filter(council=council).exists()
    response = client.post(
        url("workspace:meeting_new", council_slug=council.slug),
        {"date": TODAY().isoformat(), "agenda_kk": "Күн тәртібі",
         "protocol_file_kk": SimpleUploadedFile("p.pdf", b"%PDF-1.4 signed protocol", content_type="application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    assert Meeting.objects.get(council=council).protocol_file_kk.read().startswith(b"%PDF")


def test_a_secretary_resets_a_forgotten_password_by_mail(client, council):
    from django.core import mail

    user = staff_of(council)
    user.email = "secretary@akimat.kz"
    user.save()
    from publications.mail import sweep

    response = client.post(url("workspace:password_reset", "ru"), {"email": "secretary@akimat.kz"})
    assert response.status_code == 302 and not mail.outbox  # queued, and sent after the response
    sweep()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/ru/workspace/password-reset/[^\s]+)", mail.outbox[0].body).group(1)
    assert "Qogam" in mail.outbox[0].subject
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Жаңа-құпиясөз-2026", "new_password2": "Жаңа-құпиясөз-2026"}
    )
    assert response.status_code == 302
    assert client.login(request=HttpRequest(), username=user.username, password="Жаңа-құпиясөз-2026")


def test_the_inbox_ticks_a_whole_page_and_groups_the_bulk_fields_by_action(client, council, secretary):
    from tests.factories import consultation_at

    consultation = consultation_at(State.HELD, council=council, by=secretary, listed_proposals=3)
    inbox = url("workspace:inbox", "ru", slug=consultation.slug)

    plain, ticked = client.get(inbox).content.decode(), client.get(inbox + "?select=page").content.decode()

    assert plain.count('name="proposals"') == 3 and 'name="proposals"' not in re.sub(
        r"<input[^>]*checked[^>]*>", "", ticked
    )
    assert "?select=page" in plain and "Снять отметки" in ticked
    panel = plain[plain.index('class="bulk"') :]
    actions = re.split(r'<div class="bulk-action">', panel)[1:]
    assert [re.search(r'value="(\w+)"', a).group(1) for a in actions] == ["list", "set_aside", "decide"]
    assert 'name="reason"' in actions[1] and 'name="decision"' not in actions[1]
    assert 'name="decision"' in actions[2] and 'name="reasons_ru"' in actions[2] and 'name="reason"' not in actions[2]
