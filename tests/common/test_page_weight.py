"""Issue 16: the first load of every public page weighs at most 100 KB, and the page works with JavaScript off.

The weight is what a browser with an empty cache fetches for the page: its HTML and every style sheet, script,
image, icon and font it references, fonts and images referenced from the style sheets (`url()`, `@import`)
included; the files are read from the static files' finders, as `collectstatic` would copy them. The data is
a country's worth where a page lists it: 300 councils in 20 regions (the filters' choices), 60 consultations
with long titles (a page of the list and more), 50 decided proposals (a page of the results).
Run with `-s` to see each page's weight (BENCHMARKS.md, "Page weight").
"""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import Resolver404, resolve
from django.utils import translation

from consultations.models import Consultation
from councils.models import Council, Meeting
from proposals.models import Proposal
from tests.factories import (
    CouncilFactory,
    RegionFactory,
    consultation_at,
    planned_consultation,
    publish_schedule_of,
    secretary_of,
)
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State
BUDGET = 100 * 1024
LANGUAGES = ("kk", "ru")

LONG_KK = (
    "Қазақстан Республикасының азаматтарына мемлекеттік көрсетілетін қызметтерді көрсету қағидаларына "
    "өзгерістер мен толықтырулар енгізу туралы бұйрықтың жобасын талқылау {n}"
)
LONG_RU = (
    "Обсуждение проекта приказа о внесении изменений и дополнений в правила оказания государственных "
    "услуг гражданам Республики Казахстан {n}"
)
DESCRIPTION_KK = "Жобаның мақсаты — мемлекеттік қызметтердің сапасын арттыру және азаматтардың уақытын үнемдеу. " * 6
DESCRIPTION_RU = "Цель проекта — повысить качество государственных услуг и сберечь время граждан. " * 6
PROPOSAL = (
    "Ұсынамын: өтініштерді қабылдау мерзімін он жұмыс күнінен бес жұмыс күніне дейін қысқарту, "
    "ал құжаттардың тізбесін порталда бір жерде жариялау. "
) * 3


# ---------------------------------------------------------------------------------------------------------
# A country's worth of public data


@pytest.fixture
def country():
    regions = RegionFactory.create_batch(20)
    for n in range(300):
        CouncilFactory(
            region=regions[n % 20],
            level=Council.Level.OBLAST if n < 20 else Council.Level.DISTRICT,
            name_kk=f"{regions[n % 20].name_kk} әкімдігі жанындағы қоғамдық кеңес № {n}",
            name_ru=f"Общественный совет при акимате: {regions[n % 20].name_ru}, № {n}",
        )
    councils = list(Council.objects.order_by("pk")[:6])
    for council in councils:
        by = secretary_of(council)
        for n in range(10):
            consultation = planned_consultation(
                council,
                by=by,
                title_kk=LONG_KK.format(n=n),
                title_ru=LONG_RU.format(n=n),
                description_kk=DESCRIPTION_KK,
                description_ru=DESCRIPTION_RU,
            )
        publish_schedule_of(consultation, by=by)
    results = published_at(
        State.POSITION_PUBLISHED,
        council=councils[0],
        occasion=Consultation.Occasion.DRAFT_ACT,
        listed_proposals=50,
        title_kk=LONG_KK.format(n="нәтиже"),
        title_ru=LONG_RU.format(n="итоги"),
        description_kk=DESCRIPTION_KK,
        description_ru=DESCRIPTION_RU,
    )
    Proposal.objects.filter(consultation=results).update(text=PROPOSAL)
    held = consultation_at(State.HELD, council=councils[1], listed_proposals=0, description_kk=DESCRIPTION_KK)
    publish_schedule_of(held, by=secretary_of(councils[1]))
    return {"results": results, "held": held, "council": councils[0]}


def public_pages(country) -> dict[str, str]:
    """Every public page type, by name, as a path after the language prefix. The portal has no news page of
    its own: the news are on the home page and the council's page (and in the feeds, left out)."""
    results, held, council = country["results"], country["held"], country["council"]
    meeting = Meeting.objects.filter(council=council).order_by("-date").first()
    reference = results.proposals.order_by("pk").first().reference
    return {
        "home": "",
        "consultation list": "consultations/",
        "consultation list, filtered": f"consultations/?level=oblast&step=planned&region={council.region.slug}",
        "consultation page (results published)": f"consultations/{results.slug}/",
        "consultation page (open, with its form link)": f"consultations/{held.slug}/",
        "proposal form": f"consultations/{held.slug}/propose/",
        "results": f"consultations/{results.slug}/results/",
        "council list": "councils/",
        "council page": f"councils/{council.slug}/",
        "meeting page": f"meetings/{meeting.pk}/",
        "proposal lookup": "proposals/",
        "proposal status": f"proposals/{reference}/",
        "subscription": "subscribe/",
    }


# ---------------------------------------------------------------------------------------------------------
# What a page references


class Page(HTMLParser):
    """The resources a browser fetches to show the page, its forms, links, ids and scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.forms: list[dict] = []
        self.styles: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        self.handlers += [(tag, name) for name in attrs if name.startswith("on")]
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        rel = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and rel & {"stylesheet", "icon", "preload", "apple-touch-icon", "manifest", "modulepreload"}:
            self.resources.append(attrs["href"])
        elif tag == "script":
            self.scripts.append(attrs)
            if attrs.get("src"):
                self.resources.append(attrs["src"])
        elif tag in ("img", "source", "video", "audio", "iframe", "embed", "input") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if attrs.get("srcset"):
            self.resources += [item.split()[0] for item in attrs["srcset"].split(",") if item.strip()]
        if tag == "object" and attrs.get("data"):
            self.resources.append(attrs["data"])
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "form":
            self.forms.append({**attrs, "controls": [], "submits": 0})
        if self.forms and tag in ("input", "button", "select", "textarea"):
            form = self.forms[-1]
            form["controls"].append((tag, attrs))
            kind = (attrs.get("type") or ("submit" if tag == "button" else "text")).lower()
            form["submits"] += kind in ("submit", "image") and "form" not in attrs
        if tag == "style":
            self._style = True

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.styles.append(data)


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


def static_file(address: str) -> Path:
    """The file behind a static URL, from the finders; an address outside the static files fails the test."""
    path = urlsplit(address).path
    assert path.startswith(settings.STATIC_URL), f"{address} is not a static file of the portal"
    found = finders.find(path[len(settings.STATIC_URL) :])
    assert found, f"{address}: no such static file"
    return Path(found)


def weigh(html: bytes, page: Page) -> dict[str, int]:
    """The page's HTML and each file it makes the browser fetch, with their sizes in bytes."""
    sizes = {"HTML": len(html)}
    pending = [(address, "/") for address in page.resources]
    pending += [(address, "/") for style in page.styles for address in _css_urls(style)]
    while pending:
        address, base = pending.pop()
        address = urljoin(base, address)
        if address.startswith("data:") or address in sizes:
            continue
        file = static_file(address)
        sizes[address] = file.stat().st_size
        if file.suffix == ".css":
            pending += [(url, address) for url in _css_urls(file.read_text())]
    return sizes


def _css_urls(css: str) -> list[str]:
    return [url or imported for url, imported in CSS_URL.findall(css) if not (url or imported).startswith("#")]


def load(client, address: str) -> tuple[bytes, Page]:
    response = client.get(address)
    assert response.status_code == 200, (address, response.status_code)
    page = Page()
    page.feed(response.content.decode())
    return response.content, page


# ---------------------------------------------------------------------------------------------------------
# The budget


def test_the_first_load_of_every_public_page_is_at_most_100_kb(client, country):
    weights, over = [], []
    for name, path in public_pages(country).items():
        for language in LANGUAGES:
            html, page = load(client, f"/{language}/{path}")
            sizes = weigh(html, page)
            total = sum(sizes.values())
            weights.append((name, language, sizes["HTML"], total - sizes["HTML"], total))
            if total > BUDGET:
                over.append(f"{name} ({language}): {total / 1024:.1f} KB {sizes}")
    print("\n| page | language | HTML, KB | static files, KB | total, KB |\n|---|---|---:|---:|---:|")
    for name, language, html, files, total in weights:
        print(f"| {name} | {language} | {html / 1024:.1f} | {files / 1024:.1f} | {total / 1024:.1f} |")
    assert not over, over


def test_the_weight_counts_style_sheets_and_what_they_load(tmp_path, settings):
    """The weighing itself: a style sheet's fonts and images count, a style sheet imported by another too."""
    (tmp_path / "w").mkdir()
    (tmp_path / "w" / "font.woff2").write_bytes(b"f" * 300)
    (tmp_path / "w" / "dot.png").write_bytes(b"p" * 40)
    (tmp_path / "w" / "more.css").write_text("b { background: url('dot.png') }")
    (tmp_path / "w" / "a.css").write_text(
        "@import 'more.css'; @font-face { src: url(font.woff2) format('woff2') } a { background: url(dot.png) }"
    )
    settings.STATICFILES_DIRS = [tmp_path]
    finders.get_finder.cache_clear()
    try:
        page = Page()
        html = b'<link rel="stylesheet" href="/static/w/a.css"><img src="/static/w/dot.png" alt="">'
        page.feed(html.decode())
        sizes = weigh(html, page)
    finally:
        finders.get_finder.cache_clear()
    assert sizes == {
        "HTML": len(html),
        "/static/w/a.css": len((tmp_path / "w" / "a.css").read_text()),
        "/static/w/more.css": len((tmp_path / "w" / "more.css").read_text()),
        "/static/w/font.woff2": 300,
        "/static/w/dot.png": 40,
    }


# ---------------------------------------------------------------------------------------------------------
# With JavaScript off


PUBLIC_TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_public_template_uses_javascript():
    """Scripts are for the admin's own pages only: no public, workspace, mail or document template has one,
    nor an inline event handler or a javascript: link."""
    used = []
    for template in PUBLIC_TEMPLATES.rglob("*.html"):
        if template.relative_to(PUBLIC_TEMPLATES).parts[0] == "admin":
            continue
        text = template.read_text()
        if re.search(r"<script|\son[a-z]+\s*=|javascript:", text, re.I):
            used.append(str(template.relative_to(PUBLIC_TEMPLATES)))
    assert not used


def test_every_public_page_works_with_real_forms_and_links(client, country):
    for name, path in public_pages(country).items():
        for language in LANGUAGES:
            address = f"/{language}/{path}"
            _html, page = load(client, address)
            where = f"{name} ({language})"
            assert not page.scripts and not page.handlers, where
            for form in page.forms:
                assert form.get("method", "").lower() in ("get", "post"), (where, form)
                assert form["submits"] >= 1, (where, "a form without a submit button", form)
                _resolves(urljoin(address, form.get("action") or address), where)
                if form["method"].lower() == "post":
                    names = [attrs.get("name") for _tag, attrs in form["controls"]]
                    assert "csrfmiddlewaretoken" in names, where
            for href in page.links:
                assert href, (where, "a link without an address")
                if href.startswith("#"):
                    assert href[1:] in page.ids, (where, href)
                elif not href.startswith(("http://", "https://", "mailto:", "tel:")):
                    _resolves(urljoin(address, href), where)


def _resolves(address: str, where: str) -> None:
    path = urlsplit(address).path
    language = path.split("/")[1] if path.split("/")[1] in LANGUAGES else "kk"
    try:
        with translation.override(language):  # the language prefix a page's links carry
            resolve(path)
    except Resolver404:
        pytest.fail(f"{where}: {address} leads nowhere")


def form_data(page: Page, index: int = 0) -> dict[str, str]:
    """What a browser sends from the form unchanged: its hidden fields and the values already in it."""
    data = {}
    for tag, attrs in page.forms[index]["controls"]:
        kind = (attrs.get("type") or "").lower()
        if tag == "input" and attrs.get("name") and kind not in ("checkbox", "radio", "submit", "button"):
            data[attrs["name"]] = attrs.get("value") or ""
        if tag == "input" and kind in ("checkbox", "radio") and "checked" in attrs:
            data[attrs["name"]] = attrs.get("value", "on")
    return data


def the_form(page: Page, method: str) -> int:
    return next(i for i, form in enumerate(page.forms) if form.get("method", "").lower() == method)


def test_a_citizen_without_javascript_finds_a_consultation_proposes_and_follows_the_proposal(
    client, country, tasks_in_process, django_capture_on_commit_callbacks
):
    held = country["held"]
    _html, page = load(client, "/ru/consultations/")
    search = form_data(page, the_form(page, "get"))
    found = client.get("/ru/consultations/", {**search, "step": State.HELD}).content.decode()
    assert held.title_ru in found and country["results"].title_ru not in found

    _html, page = load(client, f"/ru/consultations/{held.slug}/")
    assert f"/ru/consultations/{held.slug}/propose/" in page.links
    _html, page = load(client, f"/ru/consultations/{held.slug}/propose/")
    form = page.forms[the_form(page, "post")]
    data = form_data(page, the_form(page, "post")) | {
        "author_name": "Айгүл Серікқызы",
        "author_kind": "citizen",
        "contact": "aigul@mail.kz",
        "text": "Предлагаю установить тёплые павильоны на остановках.",
        "consent": "on",
    }
    assert data.get("token"), "the form carries its own token: no script makes it"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urljoin(f"/ru/consultations/{held.slug}/propose/", form.get("action") or ""), data)
    proposal = Proposal.objects.get(consultation=held)
    assert response.status_code == 302
    assert proposal.reference in client.get(response.url).content.decode()

    _html, page = load(client, "/ru/proposals/")
    lookup = form_data(page, the_form(page, "get")) | {"reference": proposal.reference}
    response = client.get("/ru/proposals/", lookup, follow=True)
    assert proposal.reference in response.content.decode()


def test_a_visitor_without_javascript_subscribes(client, country, tasks_in_process):
    _html, page = load(client, "/kk/subscribe/")
    index = the_form(page, "post")
    data = form_data(page, index) | {"email": f"{uuid.uuid4().hex[:8]}@mail.kz", "scope": "all"}
    response = client.post("/kk/subscribe/", data)
    assert response.status_code == 200 and data["email"] in response.content.decode()


def test_the_form_data_helper_keeps_what_the_page_filled_in():
    page = Page()
    page.feed(
        '<form method="post"><input type="hidden" name="token" value="t"><input name="q" value="x">'
        '<input type="checkbox" name="c"><input type="checkbox" name="d" checked><button>Go</button></form>'
    )
    assert form_data(page) == {"token": "t", "q": "x", "d": "on"} and page.forms[0]["submits"] == 1
