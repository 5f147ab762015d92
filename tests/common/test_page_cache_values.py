"""Pages rendered for their visitor (the whole-page cache off, or a signed-in visitor) reuse what is kept per
version of public content (common/page_cache.py `remember`, consultations/cards.py): the list's count and
pages, its filters' form, the consultations' cards, the home page's lists. A change of content, and the clock
opening or closing an intake window, must still show at once."""

import datetime
import re

import pytest
from django.utils import timezone

from consultations.models import Consultation
from tests.factories import consultation_at, quorate_meeting

pytestmark = pytest.mark.django_db
State = Consultation.State

PAGES = ("/kk/", "/kk/consultations/", "/kk/consultations/?step=held")


@pytest.fixture(autouse=True)
def values_kept(settings):
    settings.PAGE_CACHE = False
    settings.PAGE_CACHE_VALUES = True


@pytest.fixture
def held():
    """A consultation taking proposals now."""
    return consultation_at(State.HELD, listed_proposals=0)


def html(response) -> str:
    return response.content.decode()


def council_page(consultation) -> str:
    return f"/kk/councils/{consultation.schedule.council.slug}/"


def test_a_second_visit_reads_no_consultation_from_the_database(client, held, django_assert_max_num_queries):
    for address in PAGES:
        client.get(address)
    for address in PAGES:
        with django_assert_max_num_queries(5) as queries:
            assert held.title_kk in html(client.get(address))
        assert not [q for q in queries if 'FROM "consultations_consultation"' in q["sql"]], address


def test_a_consultation_edited_shows_at_once_on_every_list(client, held, django_capture_on_commit_callbacks):
    for address in (*PAGES, council_page(held)):
        assert held.title_kk in html(client.get(address))
    with django_capture_on_commit_callbacks(execute=True):
        held.title_kk = "Жаңа тақырып"
        held.save()
    for address in (*PAGES, council_page(held)):
        assert "Жаңа тақырып" in html(client.get(address)), address


def test_a_council_renamed_shows_at_once_on_the_cards(client, held, django_capture_on_commit_callbacks):
    council = held.schedule.council
    assert council.name_kk in html(client.get("/kk/consultations/"))
    with django_capture_on_commit_callbacks(execute=True):
        council.name_kk = "Өзге кеңес"
        council.save()
    assert "Өзге кеңес" in html(client.get("/kk/consultations/"))
    assert "Өзге кеңес" in html(client.get("/kk/"))


def test_an_intake_window_closing_shows_at_once(client, held, monkeypatch):
    """Nothing is written when a window closes: the clock alone moves the card and the home page's list."""
    for address in (*PAGES, council_page(held)):
        assert "Ұсыныстар қабылдаудың соңғы мерзімі" in html(client.get(address))  # "Proposals accepted until"
    later = held.window_closes_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    home = html(client.get("/kk/"))
    assert "Ұсыныстар қабылдаудың соңғы мерзімі" not in home
    assert held.title_kk not in home.split('id="upcoming-heading"')[0]  # no longer in "Open for proposals now"
    for address in ("/kk/consultations/", council_page(held)):
        page = html(client.get(address))
        assert "Ұсыныстар қабылдаудың соңғы мерзімі" not in page
        assert "Ұсыныстар қабылдау аяқталды" in page  # "Intake of proposals closed"


def test_an_announced_consultation_leaves_coming_up_when_its_window_opens(client, monkeypatch):
    opens = timezone.now() + datetime.timedelta(days=2)
    announced = consultation_at(
        State.ANNOUNCED, window_opens_at=opens, window_closes_at=opens + datetime.timedelta(days=10)
    )
    coming_up = html(client.get("/kk/")).split('id="upcoming-heading"')[1].split('id="results-heading"')[0]
    assert announced.title_kk in coming_up
    monkeypatch.setattr(timezone, "now", lambda: opens + datetime.timedelta(minutes=1))
    coming_up = html(client.get("/kk/")).split('id="upcoming-heading"')[1].split('id="results-heading"')[0]
    assert announced.title_kk not in coming_up


def test_the_pages_are_the_same_with_the_values_kept_or_not(client, held, settings):
    published = consultation_at(State.POSITION_PUBLISHED)
    addresses = (*PAGES, council_page(held), "/ru/consultations/?page=1", "/ru/", f"/kk/consultations/{held.slug}/")
    addresses += (f"/ru/consultations/{published.slug}/", f"/ru/consultations/{published.slug}/results/")
    kept = {address: [html(client.get(address)) for _ in range(2)] for address in addresses}
    settings.PAGE_CACHE_VALUES = False
    for address in addresses:
        assert kept[address][0] == kept[address][1] == html(client.get(address)), address


def test_a_consultations_page_shows_an_edit_and_its_intake_closing_at_once(
    client, held, monkeypatch, django_capture_on_commit_callbacks
):
    """The part below the intake notice is kept per intake state: the invitation to take part goes with the
    window's closing, which nothing writes."""
    with django_capture_on_commit_callbacks(execute=True):
        held.participation_kk = "Қатысу тәртібі"
        held.save()
    address = f"/kk/consultations/{held.slug}/"
    assert "Қатысу тәртібі" in html(client.get(address))
    with django_capture_on_commit_callbacks(execute=True):
        held.participation_kk = "Жаңа тәртіп"
        held.save()
    assert "Жаңа тәртіп" in html(client.get(address))
    later = held.window_closes_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert "Жаңа тәртіп" not in html(client.get(address))


def test_a_meeting_moves_to_the_past_ones_when_its_day_has_gone(client, held, monkeypatch):
    council = held.schedule.council
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = quorate_meeting(council, date=tomorrow)
    address = council_page(held)

    def upcoming(page):
        return page.split('id="meetings-heading"')[1].split('id="past-meetings-heading"')[0]

    assert f"/meetings/{meeting.pk}/" in upcoming(html(client.get(address)))
    two_days_later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: two_days_later)
    page = html(client.get(address))
    assert f"/meetings/{meeting.pk}/" not in upcoming(page)
    assert f"/meetings/{meeting.pk}/" in page.split('id="past-meetings-heading"')[1]


def test_a_results_page_shows_a_correction_at_once(client, django_capture_on_commit_callbacks):
    consultation = consultation_at(State.POSITION_PUBLISHED, listed_proposals=1)
    address = f"/ru/consultations/{consultation.slug}/results/"
    proposal = consultation.proposals.get()
    assert proposal.text in html(client.get(address))
    with django_capture_on_commit_callbacks(execute=True):
        proposal.text = "Исправленный текст предложения"
        proposal.save()
        consultation.position.text_ru = "Исправленная позиция совета"
        consultation.position.save()
    page = html(client.get(address))
    assert "Исправленный текст предложения" in page and "Исправленная позиция совета" in page


def test_a_council_page_shows_a_new_schedule_quarter_at_once(client, held, monkeypatch):
    """The schedule part is kept per quarter: the next quarter's page has no schedule until one is published."""
    address = council_page(held)
    assert held.title_kk in html(client.get(address)).split('id="receptions-heading"')[0]
    next_quarter = timezone.now() + datetime.timedelta(days=100)
    monkeypatch.setattr(timezone, "now", lambda: next_quarter)
    assert held.title_kk not in html(client.get(address)).split('id="receptions-heading"')[0]


def test_the_proposal_forms_fields_are_kept_but_its_tokens_and_what_a_visitor_typed_are_not(
    client, held, django_capture_on_commit_callbacks
):
    from consultations.models import Question
    from tests.common.test_language_switch import typed_proposal

    address = f"/kk/consultations/{held.slug}/propose/"
    first, second = html(client.get(address)), html(client.get(address))
    tokens = [re.search(r'name="token" value="([^"]+)"', page).group(1) for page in (first, second)]
    assert tokens[0] != tokens[1]  # each visitor's form its own one-time token

    def without_tokens(page: str) -> str:
        return re.sub(r'name="(token|csrfmiddlewaretoken)" value="[^"]+"', "", page)

    assert without_tokens(first) == without_tokens(second)
    typed = typed_proposal(switch_language="kk")
    back = html(client.post(address, typed))
    assert typed["text"] in back and f'value="{typed["contact"]}"' in back  # not the kept, empty fields
    with django_capture_on_commit_callbacks(execute=True):
        Question.objects.create(consultation=held, position=9, text_kk="Жаңа сұрақ?", text_ru="Новый вопрос?")
    assert "Жаңа сұрақ?" in html(client.get(address))


def test_a_council_pages_receptions_follow_the_clock_and_the_list_refills(client, held, monkeypatch):
    """The receptions are kept per version: one over leaves the page at once (nothing is written when it ends),
    and once more than the kept ones are over the next ones are read again, ten still shown."""
    from councils.models import Reception
    from tests.factories import members_of

    member = members_of(held.schedule.council, 1)[0]
    start = timezone.now() + datetime.timedelta(days=1)
    for n in range(25):
        Reception.objects.create(
            member=member,
            starts_at=start + datetime.timedelta(days=n),
            ends_at=start + datetime.timedelta(days=n, hours=2),
            topic_kk=f"Қабылдау тақырыбы {n:02d}",
            place_kk="Әкімдік ғимараты",
        )
    address = council_page(held)

    def topics():
        return re.findall(r"Қабылдау тақырыбы (\d\d)", html(client.get(address)))

    assert topics() == [f"{n:02d}" for n in range(10)]
    during_the_first = start + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: during_the_first)
    assert topics()[0] == "00"  # under way: still shown
    after_the_first = start + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: after_the_first)
    assert topics() == [f"{n:02d}" for n in range(1, 11)]
    after_twelve = start + datetime.timedelta(days=11, hours=3)
    monkeypatch.setattr(timezone, "now", lambda: after_twelve)
    assert topics() == [f"{n:02d}" for n in range(12, 22)]


def test_a_second_visit_to_a_consultation_its_results_or_its_council_reads_nothing(
    client, held, django_assert_num_queries
):
    published = consultation_at(State.POSITION_PUBLISHED, listed_proposals=2)
    addresses = (f"/kk/consultations/{held.slug}/", f"/ru/consultations/{published.slug}/results/", council_page(held))
    for address in addresses:
        client.get(address)
    for address in addresses:
        with django_assert_num_queries(0):
            assert client.get(address).status_code == 200


def test_the_proposal_form_reads_its_consultation_once_and_still_closes_with_the_clock(
    client, held, monkeypatch, django_assert_max_num_queries
):
    from proposals.models import Proposal
    from tests.factories import ConsentTextFactory
    from tests.proposals.test_submission_budget import form

    ConsentTextFactory()
    address = f"/kk/consultations/{held.slug}/propose/"
    client.get(address)
    with django_assert_max_num_queries(3) as queries:
        assert 'name="token"' in html(client.get(address))
    assert not [q for q in queries if 'FROM "consultations_consultation"' in q["sql"]]
    later = held.window_closes_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.post(address, form(held))
    assert response.status_code == 200 and 'name="token"' not in html(response)  # the page saying it closed
    assert not Proposal.objects.filter(consultation=held).exists()
