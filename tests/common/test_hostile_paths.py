"""Hostile addresses: every URL pattern, given NUL bytes, overlong and malformed values where it takes a parameter,
answers 400 or 404 — never a server error — and the language switch only ever links to this site's pages."""

import re
import uuid
from urllib.parse import quote, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import translation

from consultations.models import Consultation
from tests.factories import UserFactory, ministry_staff, secretary_of
from tests.public_fixtures import published_at

pytestmark = pytest.mark.django_db
State = Consultation.State

HOSTILE = {
    "nul": "\x00",
    "nul inside": "ab\x00cd",
    "overlong": "x" * 3000,
    "overlong number": "9" * 40,
    "negative": "-1",
    "broken utf-8": b"\xff\xfe".decode("latin-1"),  # sent as %FF%FE, which is no UTF-8
    "markup": "'\"><script>1</script>",
    "right-to-left": "\u202eexe.pdf",
    "dots": "..",
}
# The query of a valid address: a NUL in a search, a filter, a page number, a sort order, a name.
QUERY = "?q=%00&page=%00&o=%00&council=%00&year=99999999999999999999&%00=1"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def routes(patterns=None, prefix=""):
    """Every routed address pattern as `prefix + route`, with its name; regular-expression patterns (the
    admin's app index) are left to their own test below."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part = pattern.language_prefix
        elif isinstance(pattern, RoutePattern):
            part = str(pattern)
        else:
            continue
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part


def addresses(route: str, valid: dict[str, list[str]], hostile_values=HOSTILE):
    """The route with each parameter in turn made hostile, the others valid (each of their valid values)."""
    names = [m["name"] for m in PARAMETER.finditer(route)]

    def fill(encoded: dict[str, str]) -> str:
        return "/" + PARAMETER.sub(lambda m: encoded[m["name"]], route)

    for name in names:
        for label, value in hostile_values.items():
            hostile = quote(value, safe="", encoding="latin-1" if label == "broken utf-8" else "utf-8")
            for others in combinations({n: valid.get(n, ["x"]) for n in names if n != name}):
                yield fill({**{n: quote(v, safe="") for n, v in others.items()}, name: hostile})
    yield fill({n: quote(valid.get(n, ["x"])[0], safe="") for n in names}) + QUERY


def combinations(choices: dict[str, list[str]]) -> list[dict[str, str]]:
    result = [{}]
    for name, values in choices.items():
        result = [dict(r, **{name: v}) for r in result for v in values]
    return result


def server_errors(client, paths, *, post=False):
    client.raise_request_exception = False  # a server error is a status to report, with the others
    failures = []
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"GET {path[:120]} → {response.status_code}")
        if post:
            response = client.post(path, {"text": "\x00", "title_kk": "a\x00", "reason": "x" * 100_000})
            if response.status_code >= 500:
                failures.append(f"POST {path[:120]} → {response.status_code}")
    return failures


@pytest.fixture
def world():
    consultation = published_at(State.POSITION_PUBLISHED)
    council = consultation.schedule.council
    proposal = consultation.proposals.first()
    return {
        "slug": [council.slug, consultation.slug],
        "council_slug": [council.slug],
        "reference": [proposal.reference],
        "pk": ["1"],
        "year": [str(consultation.schedule.year)],
        "quarter": [str(consultation.schedule.quarter)],
        "language": ["kk"],
        "kind": ["position"],
        "fmt": ["csv"],
        "name": ["publish_position"],
        "token": [str(uuid.uuid4())],
        "uidb64": ["MQ"],
        "secretary": secretary_of(council),
    }


def public_routes(language):
    with translation.override(language):
        return [r for r in routes() if not r.startswith(("admin/", f"{language}/workspace/"))]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_public_addresses_answer_hostile_values_without_a_server_error(client, world, language):
    paths = [a for route in public_routes(language) for a in addresses(route, world)]
    assert len(paths) > 200
    assert server_errors(client, paths, post=True) == []


def test_workspace_addresses_answer_hostile_values_without_a_server_error(client, world):
    client.force_login(world["secretary"])
    with translation.override("ru"):
        workspace = [r for r in routes() if r.startswith("ru/workspace/") and "sign-out" not in r]
    paths = [a for route in workspace for a in addresses(route, world)]
    assert server_errors(client, paths, post=True) == []


def test_admin_addresses_answer_hostile_values_without_a_server_error(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin_routes = [r for r in routes() if r.startswith("admin/") and "logout" not in r]
    valid = {**world, "object_id": ["1"], "app_label": ["councils"]}
    # The admin's many patterns take an object's id as any text: the values that differ in kind suffice.
    hostile = {label: HOSTILE[label] for label in ("nul inside", "overlong", "overlong number", "broken utf-8")}
    paths = [a for route in admin_routes for a in addresses(route, valid, hostile)]
    assert server_errors(client, paths) == []


def test_the_ministry_admin_answers_hostile_values_without_a_server_error(client, world):
    user = ministry_staff()
    client.force_login(user)
    paths = ["/admin/", "/admin/compliance/", "/admin/compliance/%00/2026-q1/", "/admin/compliance/export.%00"]
    assert server_errors(client, paths) == []


def test_a_nul_in_a_proposal_reference_is_a_bad_request_in_the_pages_language(client):
    response = client.get("/ru/proposals/%00/")
    assert response.status_code == 400
    assert "<h1>Некорректный запрос</h1>" in response.content.decode()


def test_a_nul_in_the_session_cookie_is_not_a_server_error(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/ru/").status_code < 500


@pytest.mark.parametrize(
    "address",
    ["//evil.example/", "//evil.example/ru/", "/\\evil.example/", "/%2F%2Fevil.example/", "/ru//evil.example/"],
)
def test_the_language_switch_links_only_to_this_sites_pages(client, address):
    # As a raw HTTP client sends it: the test client would read `//evil.example/` as a host and a path.
    page = client.get("/", PATH_INFO=address).content.decode()
    links = re.findall(r'<a href="([^"]*)" lang="(?:kk|ru)" hreflang', page)
    assert links
    for link in links:
        parts = urlsplit(link)
        assert not parts.scheme and not parts.netloc and link.startswith("/"), link
        assert not link.startswith(("//", "/\\")) and "evil.example" not in link, link


def test_the_language_switch_keeps_the_page_and_its_filters(client):
    page = client.get("/ru/consultations/?q=abc").content.decode()
    assert 'href="/kk/consultations/?q=abc" lang="kk"' in page
