"""A published schedule stays true: what it says of a consultation changes only in its next revision.

A change to a public consultation's title, dates, proposal window, format or venue waits for the schedule's
next revision; the council page, the consultation's page and the schedule's PDF keep what was published
until that revision is approved at a quorate meeting and published (DESIGN.md, "Quarterly schedule").
"""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from common.errors import ActionRefused
from consultations import pdf, services, workflow
from consultations.forms import ConsultationForm
from consultations.models import Consultation, QuarterlySchedule, RenderedDocument, ScheduleChange
from councils.models import Membership
from publications.models import Announcement
from tests.consultations.test_documents import text_of
from tests.factories import (
    CouncilFactory,
    ministry_staff,
    planned_consultation,
    quorate_meeting,
    secretary_of,
    staff_of,
    url,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
ScheduleState = QuarterlySchedule.State


@pytest.fixture
def council():
    return CouncilFactory(document_language="both")


@pytest.fixture
def secretary(council):
    return secretary_of(council)


@pytest.fixture
def signed_in(client, secretary):
    client.force_login(secretary)
    return client


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def short(date: datetime.date) -> str:
    """A date as the schedule's PDF and the council page write it."""
    return date.strftime("%d.%m.%Y")


def long(date: datetime.date, language: str) -> str:
    """A date as the consultation's page writes it."""
    with translation.override(language):
        return formats.date_format(date, "DATE_FORMAT")


def form_data(consultation: Consultation, **changes) -> dict:
    """The edit form as the secretary's browser sends it back, with `changes` typed in."""
    form = ConsultationForm(instance=Consultation.objects.get(pk=consultation.pk))
    data = {}
    for bound in form:
        shown = bound.field.widget.format_value(bound.value())
        data[bound.name] = (shown[0] if shown else "") if isinstance(shown, list) else shown or ""  # a select: a list
    return data | changes


def edit(client, consultation, **changes):
    return client.post(
        url("workspace:consultation_edit", "ru", slug=consultation.slug), form_data(consultation, **changes)
    )


def published_pdf_text(schedule: QuarterlySchedule, revision: int) -> str:
    document = RenderedDocument.objects.get(schedule=schedule, revision=revision, is_published=True)
    pdf.render(document.pk)
    document.refresh_from_db()
    return text_of(document.file.path)


def approve_and_publish(schedule: QuarterlySchedule, by) -> None:
    schedule.refresh_from_db()
    services.approve_schedule(schedule, by=by, meeting=quorate_meeting(schedule.council, date=timezone.localdate()))
    services.publish_schedule(schedule, by=by)


def page_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.fixture
def published(council, secretary):
    """A consultation in the published schedule (revision 1): 10 to 28 days from now."""
    return published_at(
        State.PLANNED, council=council, by=secretary, starts_on=days(10), ends_on=days(28),
        title_kk="Қалалық көлік", title_ru="Городской транспорт",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------------------
# The defect: the dates of a published consultation were changed with a plain "Saved."


def test_new_dates_of_a_published_consultation_wait_for_the_next_revision_and_then_show_everywhere(
    client, signed_in, council, secretary, published
):
    schedule = published.schedule
    old_start, old_end, new_start, new_end = days(10), days(28), days(40), days(55)
    assert f"{short(old_start)} — {short(old_end)}" in published_pdf_text(schedule, 1)

    form_page = page_text(signed_in, url("workspace:consultation_edit", "ru", slug=published.slug))
    assert "Этот график опубликован." in form_page  # said before saving
    assert "войдут в редакцию 2 графика" in form_page
    assert 'name="change_reason"' in form_page

    response = edit(
        signed_in, published, starts_on=new_start.isoformat(), ends_on=new_end.isoformat(),
        change_reason="Перенос по просьбе жителей",
    )  # fmt: skip
    assert response.status_code == 302
    after = page_text(signed_in, response.url)
    assert "Сохранено как изменение для редакции 2 графика" in after
    assert short(new_start) in after  # the consultation's workspace page shows what waits

    # Nothing public has changed: the consultation's page, the council page and the published PDF agree.
    published.refresh_from_db()
    assert (published.starts_on, published.ends_on) == (old_start, old_end)
    detail = page_text(client, url("consultations:detail", "ru", slug=published.slug))
    assert long(old_start, "ru") in detail and long(new_start, "ru") not in detail
    council_page = page_text(client, url("councils:detail", "kk", slug=council.slug))
    assert short(old_start) in council_page and short(new_start) not in council_page
    assert f"{short(old_start)} — {short(old_end)}" in published_pdf_text(schedule, 1)
    assert short(new_start) not in published_pdf_text(schedule, 1)
    schedule.refresh_from_db()
    assert (schedule.state, schedule.revision, schedule.published_revision) == (ScheduleState.DRAFT, 2, 1)
    assert schedule.transitions.last().note == "Перенос по просьбе жителей"

    # The revision is approved at a quorate meeting and published: now every page shows the new dates.
    approve_and_publish(schedule, secretary)
    published.refresh_from_db()
    assert (published.starts_on, published.ends_on) == (new_start, new_end)
    detail = page_text(client, url("consultations:detail", "ru", slug=published.slug))
    assert long(new_start, "ru") in detail
    assert "Изменено в редакции 2 графика" in detail
    council_page = page_text(client, url("councils:detail", "kk", slug=council.slug))
    assert short(new_start) in council_page and short(old_start) not in council_page
    response = client.get(url("schedule-pdf", council_slug=council.slug, year=schedule.year, quarter=schedule.quarter))
    assert response.status_code == 200
    assert f"{short(new_start)} — {short(new_end)}" in published_pdf_text(schedule, 2)
    assert f"{short(old_start)} — {short(old_end)}" in published_pdf_text(schedule, 1)  # revision 1 stays as it was
    assert ScheduleChange.objects.get(consultation=published).applied_at is not None


def test_a_new_title_reaches_the_announcement_of_the_revision_that_carries_it(signed_in, secretary, published):
    edit(signed_in, published, title_kk="Қала көлігі", title_ru="Транспорт города", change_reason="Атауы нақтыланды")
    published.refresh_from_db()
    assert published.title_kk == "Қалалық көлік"
    schedule = published.schedule
    schedule.refresh_from_db()
    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(schedule.council, date=days(0)))
    # The announcement the secretary is offered to publish with the revision already names it so.
    page = page_text(
        signed_in, url("workspace:schedule", "kk", council_slug=schedule.council.slug, year=schedule.year,
                       quarter=schedule.quarter),
    )  # fmt: skip
    assert re.search(r'<textarea name="text_kk"[^>]*>[^<]*Қала көлігі', page)

    services.publish_schedule(schedule, by=secretary)
    announcement = Announcement.objects.filter(event=Announcement.Event.SCHEDULE_PUBLISHED).latest("id")
    assert "Қала көлігі" in announcement.text_kk and "Транспорт города" in announcement.text_ru
    published.refresh_from_db()
    assert published.title_ru == "Транспорт города"


def test_the_published_pdf_shows_what_the_council_page_shows_for_every_consultation(client, council, secretary):
    first = published_at(
        State.PLANNED, council=council, by=secretary, title_kk="Көлік", title_ru="Транспорт",
        starts_on=days(5), ends_on=days(20), format="in_person", venue_kk="Әкімдік", venue_ru="Акимат",
    )  # fmt: skip
    published_at(
        State.PLANNED, council=council, by=secretary, occasion="draft_act", title_kk="Саябақтар",
        title_ru="Парки", starts_on=days(30), ends_on=days(30), format="online", venue_kk="", venue_ru="",
    )  # fmt: skip
    # Revision 3: the first consultation changes, and one more is added.
    services.update_consultation(
        first, by=secretary, reason="Жаңа мерзім", **form_fields(first, starts_on=days(8), venue_ru="Дом культуры")
    )
    added = planned_consultation(
        council, by=secretary, occasion="initiative", title_kk="Жарық", title_ru="Освещение",
        starts_on=days(12), ends_on=days(40), format="mixed", venue_kk="Мектеп", venue_ru="Школа",
    )  # fmt: skip
    approve_and_publish(added.schedule, secretary)
    schedule = added.schedule
    schedule.refresh_from_db()
    assert schedule.published_revision == 3

    # pdftotext joins a word hyphenated across a table cell's lines ("бетпе-бет" → "бетпебет"): hyphens aside.
    text = published_pdf_text(schedule, 3).replace("-", "")
    items = RenderedDocument.objects.get(schedule=schedule, revision=3, is_published=True).data["items"]
    for language in ("kk", "ru"):
        rows = schedule_rows(page_text(client, url("councils:detail", language, slug=council.slug)))
        assert len(rows) == len(items) == 3
        for row, item in zip(rows, items, strict=True):
            frozen = {
                "number": str(item["number"]),
                "title": item["title"][language],
                "occasion": item["occasion"][language][:1].upper() + item["occasion"][language][1:],
                "dates": list(dict.fromkeys(d for d in (item["starts_on"], item["ends_on"]) if d)),  # one day: once
                "format": item["format"][language][:1].upper() + item["format"][language][1:],
                "venue": item["venue"][language],
            }
            assert row == frozen
            for value in (row["title"], row["occasion"], row["format"], row["venue"]):
                assert value.replace("-", "") in text
            for iso in row["dates"]:
                assert short(datetime.date.fromisoformat(iso)) in text
    assert (items[0]["venue"]["ru"], items[0]["starts_on"]) == ("Дом культуры", days(8).isoformat())


def form_fields(consultation: Consultation, **changes) -> dict:
    """The edit form's fields with `changes`, as the service takes them."""
    form = ConsultationForm(form_data(consultation, **changes), instance=Consultation.objects.get(pk=consultation.pk))
    assert form.is_valid(), form.errors
    return form.planning_fields()


class ScheduleRows(HTMLParser):
    """The rows of the schedule table on the council page: each cell's text, and the dates' `datetime`."""

    def __init__(self):
        super().__init__()
        self.rows, self.cells, self.dates, self.in_table, self.in_body = [], None, None, False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "schedule-table" in (attrs.get("class") or ""):
            self.in_table = True
        elif self.in_table and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.cells, self.dates = [], []
        elif self.in_body and tag == "td":
            self.cells.append("")
        elif self.in_body and tag == "time":
            self.dates.append(attrs["datetime"])

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_table = self.in_body = False
        elif self.in_body and tag == "tr":
            number, title, occasion, _when, form, venue, _step = (" ".join(c.split()) for c in self.cells)
            self.rows.append(
                {"number": number, "title": title, "occasion": occasion, "dates": self.dates, "format": form,
                 "venue": venue}
            )  # fmt: skip

    def handle_data(self, data):
        if self.in_body and self.cells is not None and self.cells:
            self.cells[-1] += data


def schedule_rows(html: str) -> list[dict]:
    parser = ScheduleRows()
    parser.feed(html)
    return parser.rows


# ---------------------------------------------------------------------------------------------------------
# What applies at once, what waits, and taking a waiting change back


def test_a_new_description_of_a_published_consultation_applies_at_once(client, signed_in, published):
    response = edit(signed_in, published, description_ru="Новое описание консультации")
    assert response.status_code == 302
    assert "Сохранено." in page_text(signed_in, response.url)
    published.refresh_from_db()
    assert published.description_ru == "Новое описание консультации"
    assert not ScheduleChange.objects.exists()  # the window's times came back unchanged: no change of the schedule
    published.schedule.refresh_from_db()
    assert published.schedule.state == ScheduleState.PUBLISHED
    assert "Новое описание консультации" in page_text(client, url("consultations:detail", "ru", slug=published.slug))


def test_a_change_of_the_schedule_needs_a_reason_and_changes_nothing_without_one(signed_in, published):
    response = edit(signed_in, published, starts_on=days(20).isoformat())
    assert response.status_code == 200
    assert "Укажите причину изменения" in response.content.decode()
    published.schedule.refresh_from_db()
    assert published.schedule.state == ScheduleState.PUBLISHED
    assert not ScheduleChange.objects.exists()


def test_a_consultation_not_yet_public_is_edited_directly(signed_in, council, secretary, published):
    services.start_revision(published.schedule, by=secretary, reason="Жаңа өтініш")
    added = planned_consultation(council, by=secretary, starts_on=days(3), ends_on=days(9))
    assert not added.is_public

    form_page = page_text(signed_in, url("workspace:consultation_edit", "ru", slug=added.slug))
    assert "Этот график опубликован." not in form_page
    response = edit(signed_in, added, starts_on=days(5).isoformat(), ends_on=days(12).isoformat())
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.starts_on, added.ends_on) == (days(5), days(12))
    assert not ScheduleChange.objects.exists()


def test_an_approved_schedule_is_reopened_as_a_draft_when_what_it_says_changes(secretary, council):
    consultation = planned_consultation(council, by=secretary, starts_on=days(3))
    schedule = consultation.schedule
    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council))
    with pytest.raises(ActionRefused, match="reason"):
        services.update_consultation(consultation, by=secretary, **form_fields(consultation, starts_on=days(6)))

    services.update_consultation(
        consultation, by=secretary, reason="Күні ауысты", **form_fields(consultation, starts_on=days(6))
    )
    schedule.refresh_from_db()
    consultation.refresh_from_db()
    assert schedule.state == ScheduleState.DRAFT and schedule.revision == 1  # approved again before publishing
    assert consultation.starts_on == days(6)


def test_editing_again_updates_the_waiting_change_and_setting_it_back_removes_it(signed_in, published):
    edit(signed_in, published, starts_on=days(40).isoformat(), ends_on=days(50).isoformat(), change_reason="Ауысты")
    form_page = page_text(signed_in, url("workspace:consultation_edit", "ru", slug=published.slug))
    assert f'value="{days(40).isoformat()}"' in form_page  # the form starts from what waits
    assert "Уже ждёт редакции 2" in form_page

    edit(signed_in, published, starts_on=days(42).isoformat(), ends_on=days(50).isoformat())
    change = ScheduleChange.objects.get()
    assert change.new_values() == {"starts_on": days(42), "ends_on": days(50)}
    assert change.old_values() == {"starts_on": days(10), "ends_on": days(28)}
    assert change.reason == "Ауысты"

    edit(signed_in, published, starts_on=days(10).isoformat(), ends_on=days(28).isoformat())
    assert not ScheduleChange.objects.exists()


def test_a_waiting_change_is_withdrawn_and_the_published_values_stay(client, signed_in, secretary, published):
    edit(signed_in, published, starts_on=days(20).isoformat(), change_reason="Ауысты")
    schedule_page = page_text(
        signed_in,
        url("workspace:schedule", "ru", council_slug=published.schedule.council.slug,
            year=published.schedule.year, quarter=published.schedule.quarter),
    )  # fmt: skip
    assert "Изменения, ожидающие редакции 2" in schedule_page and short(days(20)) in schedule_page

    response = signed_in.post(url("workspace:schedule_change_withdraw", "ru", slug=published.slug))
    assert response.status_code == 302
    assert not ScheduleChange.objects.exists()
    approve_and_publish(published.schedule, secretary)
    published.refresh_from_db()
    assert published.starts_on == days(10)
    assert short(days(20)) not in published_pdf_text(published.schedule, 2)


def test_a_waiting_change_of_an_approved_revision_is_not_withdrawn(secretary, published):
    services.update_consultation(published, by=secretary, reason="Ауысты", **form_fields(published, starts_on=days(20)))
    services.approve_schedule(
        published.schedule, by=secretary, meeting=quorate_meeting(published.schedule.council, date=days(0))
    )
    with pytest.raises(ActionRefused, match="approved"):
        services.withdraw_schedule_change(ScheduleChange.objects.get(), by=secretary)
    assert ScheduleChange.objects.pending().count() == 1


def test_a_change_to_a_consultation_cancelled_meanwhile_is_dropped_at_publication(secretary, council):
    consultation = published_at(State.HELD, council=council, by=secretary, listed_proposals=0)
    title = consultation.title_ru
    services.update_consultation(
        consultation, by=secretary, reason="Атауы", **form_fields(consultation, title_ru="Новое название")
    )
    schedule = consultation.schedule
    schedule.refresh_from_db()
    services.approve_schedule(schedule, by=secretary, meeting=quorate_meeting(council, date=days(0)))
    workflow.cancel(consultation, by=secretary, reason_kk="Себебі", reason_ru="Причина")

    services.publish_schedule(schedule, by=secretary)

    consultation.refresh_from_db()
    assert consultation.title_ru == title and not ScheduleChange.objects.exists()
    schedule.refresh_from_db()
    assert (schedule.state, schedule.published_revision) == (ScheduleState.PUBLISHED, 2)


def test_the_proposal_window_is_the_intakes_and_moves_at_once_reopening_an_intake_closed_early(secretary, council):
    consultation = published_at(State.HELD, council=council, by=secretary, listed_proposals=0)
    workflow.close_intake(consultation, by=secretary, reason_kk="Қате", reason_ru="Ошибка")
    later = timezone.now() + datetime.timedelta(days=5)
    services.update_consultation(consultation, by=secretary, **form_fields(consultation, window_closes_at=later))
    consultation.refresh_from_db()
    assert consultation.is_open_for_proposals() and not consultation.early_closing_reason
    assert not ScheduleChange.objects.exists()
    with pytest.raises(ActionRefused, match="close in the future"):
        services.update_consultation(
            consultation, by=secretary, **form_fields(consultation, window_closes_at=timezone.now())
        )


def test_a_window_that_has_opened_cannot_be_moved_to_open_later(signed_in, council, secretary):
    consultation = published_at(State.HELD, council=council, by=secretary, listed_proposals=0)
    opens = timezone.localtime(timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = edit(signed_in, consultation, window_opens_at=opens, change_reason="Кейінге")
    assert response.status_code == 200
    assert "Приём предложений уже начался" in response.content.decode()
    assert not ScheduleChange.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# Who may


def test_another_councils_secretary_gets_404_and_a_member_is_refused(client, secretary, published):
    change = services.update_consultation(
        published, by=secretary, reason="Ауысты", **form_fields(published, starts_on=days(20))
    )
    stranger = staff_of(CouncilFactory())
    client.force_login(stranger)
    assert client.get(url("workspace:consultation_edit", "ru", slug=published.slug)).status_code == 404
    assert edit(client, published, starts_on=days(50).isoformat(), change_reason="x").status_code == 404
    assert client.post(url("workspace:schedule_change_withdraw", "ru", slug=published.slug)).status_code == 404

    member = staff_of(published.schedule.council, role=Membership.Role.MEMBER)
    client.force_login(member)
    assert client.get(url("workspace:consultation_edit", "ru", slug=published.slug)).status_code == 403
    assert edit(client, published, starts_on=days(50).isoformat(), change_reason="x").status_code == 403
    assert client.post(url("workspace:schedule_change_withdraw", "ru", slug=published.slug)).status_code == 403
    with pytest.raises(ActionRefused):
        services.withdraw_schedule_change(change, by=stranger)

    change.refresh_from_db()
    assert change.new_values() == {"starts_on": days(20)}
    published.refresh_from_db()
    assert published.starts_on == days(10)


def test_members_and_ministry_staff_read_what_waits_and_change_nothing(client, secretary, published):
    change = services.update_consultation(
        published, by=secretary, reason="Ауысты", **form_fields(published, starts_on=days(20))
    )
    client.force_login(staff_of(published.schedule.council, role=Membership.Role.MEMBER))
    page = page_text(client, url("workspace:consultation", "ru", slug=published.slug))
    assert "Изменение ждёт редакции 2 графика" in page and short(days(20)) in page
    assert url("workspace:schedule_change_withdraw", "ru", slug=published.slug) not in page

    ministry = ministry_staff()
    client.force_login(ministry)
    admin_page = reverse("admin:consultations_schedulechange_change", args=[change.pk])
    assert client.get(admin_page).status_code == 200
    client.post(admin_page, {"reason": "Өзгертілді"})
    change.refresh_from_db()
    assert change.reason == "Ауысты"
