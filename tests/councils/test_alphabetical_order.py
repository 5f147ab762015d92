"""Lists of regions and councils run in the alphabet of the page's language, grouped by level.

The expected orders below are written out by hand from the alphabets (KAZAKH/RUSSIAN), not computed by the code
under test; the names are the real ones of the demo's reference data (demo/data)."""

import itertools
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.utils import translation

from consultations import compliance_admin
from councils import ordering
from councils.models import Council, Region
from demo.builder import DISTRICTS, read_csv

pytestmark = pytest.mark.django_db

KAZAKH = list("АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ")
RUSSIAN = list("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")

OBLASTS_KK = [
    "Абай облысы", "Ақмола облысы", "Ақтөбе облысы", "Алматы облысы", "Атырау облысы", "Батыс Қазақстан облысы",
    "Жамбыл облысы", "Жетісу облысы", "Қарағанды облысы", "Қостанай облысы", "Қызылорда облысы",
    "Маңғыстау облысы", "Павлодар облысы", "Солтүстік Қазақстан облысы", "Түркістан облысы", "Ұлытау облысы",
    "Шығыс Қазақстан облысы",
]  # fmt: skip
CITIES_KK = ["Алматы қаласы", "Астана қаласы", "Шымкент қаласы"]
# Three names begin with a lower-case "область": they sort under О, as in any Russian index.
OBLASTS_RU = [
    "Акмолинская область", "Актюбинская область", "Алматинская область", "Атырауская область",
    "Восточно-Казахстанская область", "Жамбылская область", "Западно-Казахстанская область",
    "Карагандинская область", "Костанайская область", "Кызылординская область", "Мангистауская область",
    "область Абай", "область Жетісу", "область Ұлытау", "Павлодарская область", "Северо-Казахстанская область",
    "Туркестанская область",
]  # fmt: skip
CITIES_RU = ["город Алматы", "город Астана", "город Шымкент"]
# The 19 ministries' councils, by the ministry's name (each Kazakh name begins "Қазақстан Республикасы").
MINISTRIES_KK = [
    "agriculture",  # Ауыл шаруашылығы
    "justice",  # Әділет
    "science-higher-education",  # Ғылым және жоғары білім
    "health",  # Денсаулық сақтау
    "labour-social-protection",  # Еңбек
    "transport",  # Көлік
    "finance",  # Қаржы
    "culture-information",  # Мәдениет
    "enlightenment",  # Оқу-ағарту
    "industry-construction",  # Өнеркәсіп
    "trade-integration",  # Сауда
    "water-irrigation",  # Су ресурстары
    "emergency-situations",  # Төтенше жағдайлар
    "tourism-sport",  # Туризм
    "national-economy",  # Ұлттық экономика
    "digital-development",  # Цифрлық даму
    "internal-affairs",  # Ішкі істер
    "ecology",  # Экология
    "energy",  # Энергетика
]
MINISTRIES_RU = [
    "internal-affairs",  # внутренних дел
    "water-irrigation",  # водных ресурсов
    "health",  # здравоохранения
    "culture-information",  # культуры
    "science-higher-education",  # науки
    "national-economy",  # национальной экономики
    "emergency-situations",  # по чрезвычайным ситуациям
    "industry-construction",  # промышленности
    "enlightenment",  # просвещения
    "agriculture",  # сельского хозяйства
    "trade-integration",  # торговли
    "transport",  # транспорта
    "labour-social-protection",  # труда
    "tourism-sport",  # туризма
    "finance",  # финансов
    "digital-development",  # цифрового развития
    "ecology",  # экологии
    "energy",  # энергетики
    "justice",  # юстиции
]


@pytest.fixture
def kazakhstan():
    """The real regions, the 19 ministries' councils, the 20 akimats' councils and two districts'."""
    regions = {}
    for row in read_csv("councils.csv"):
        regions[row["slug"]] = Region.objects.create(
            slug=row["slug"], kind=row["level"], name_kk=row["region_kk"], name_ru=row["region_ru"]
        )
        Council.objects.create(
            slug=row["slug"], level=row["level"], region=regions[row["slug"]], name_kk=row["council_kk"],
            name_ru=row["council_ru"], state_body_kk=row["akimat_kk"], state_body_ru=row["akimat_ru"],
        )  # fmt: skip
    for row in read_csv("state-bodies.csv"):
        Council.objects.create(
            slug=row["slug"], level=Council.Level.CENTRAL, name_kk=row["council_kk"], name_ru=row["council_ru"],
            state_body_kk=row["body_kk"], state_body_ru=row["body_ru"],
        )  # fmt: skip
    for slug, region, kk, ru, _genitive in DISTRICTS:
        Council.objects.create(
            slug=slug, level=Council.Level.DISTRICT, region=regions[region], name_kk=f"{kk} кеңесі",
            name_ru=f"Совет: {ru}", state_body_kk=kk, state_body_ru=ru,
        )  # fmt: skip
    return regions


class Selects(HTMLParser):
    """Each <select>'s options, as [(optgroup label or None, option text)] by the select's name."""

    def __init__(self, html):
        super().__init__()
        self.selects, self.select, self.group, self.option = {}, None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self.select = self.selects.setdefault(attrs["name"], [])
        elif tag == "optgroup":
            self.group = attrs["label"]
        elif tag == "option" and attrs.get("value"):
            self.option = ""

    def handle_data(self, data):
        if self.option is not None:
            self.option += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            self.select.append((self.group, self.option.strip()))
            self.option = None
        elif tag == "optgroup":
            self.group = None
        elif tag == "select":
            self.select = None


def groups(options):
    return [(label, [text for _label, text in rows]) for label, rows in itertools.groupby(options, lambda o: o[0])]


def names(slugs, lang):
    by_slug = {c.slug: getattr(c, f"name_{lang}") for c in Council.objects.all()}
    return [by_slug[slug] for slug in slugs]


# ---------------------------------------------------------------------------------------------------------
# The alphabets and the database's collations


@pytest.mark.parametrize("lang,alphabet", [("kk", KAZAKH), ("ru", RUSSIAN)])
def test_the_collation_and_the_python_key_follow_the_alphabet(lang, alphabet):
    assert connection.vendor == "postgresql"
    shuffled = list(reversed(alphabet))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT letter FROM unnest(%s::text[]) AS letter ORDER BY letter COLLATE "{ordering.COLLATIONS[lang]}"',
            [shuffled],
        )
        in_sql = [row[0] for row in cursor.fetchall()]
    assert sorted(shuffled, key=lambda text: ordering.alphabetical_key(text, lang)) == alphabet
    if lang == "kk":
        # Ә after А, Ғ after Г, Қ after К, Ң after Н, Ө after О, Ұ Ү after У, Һ after Х, І after Ы
        assert in_sql == alphabet
    else:
        assert [c for c in in_sql if c in RUSSIAN] == RUSSIAN


def test_the_python_key_and_the_collations_agree_on_hard_pairs():
    """Words that differ by a Kazakh letter, by Ё, by case, by a space or a hyphen, or that are prefixes."""
    words = [
        "Ақтөбе", "Актобе", "Алматы", "Әл-Фараби", "Аль-Фараби", "Ел", "Ёлка", "Еж", "елка", "Елка", "Ұлытау",
        "Уральск", "Үржар", "Ыбырай", "Іле", "Иле", "Һ", "Хан", "Шу", "Шұбар", "Ащы", "Аща", "Ақ жол", "Ақжол",
        "Ақ-жол", "А", "а", "Ая", "Яя", "Қазақстан Республикасы", "Қазақстан", "Қ", "2 аудан", "Zhetisu",
    ]  # fmt: skip
    for lang, collation in ordering.COLLATIONS.items():
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT w FROM unnest(%s::text[]) AS w ORDER BY w COLLATE "{collation}"', [list(reversed(words))]
            )
            in_sql = [row[0] for row in cursor.fetchall()]
        assert sorted(words, key=lambda w: ordering.alphabetical_key(w, lang)) == in_sql, lang


def test_the_sql_ordering_and_the_python_key_agree_on_the_real_names(kazakhstan, settings):
    for lang in ("kk", "ru"):
        with translation.override(lang):
            in_sql = list(ordering.councils(Council.objects.all(), by_region=True).values_list("slug", flat=True))
            in_python = [
                c.slug
                for c in sorted(
                    Council.objects.select_related("region"),
                    key=lambda c: (
                        ordering.LEVELS.index(c.level),
                        ordering.alphabetical_key(c.region.name if c.region else "", lang),
                        ordering.alphabetical_key(c.name, lang),
                    ),
                )
            ]
            assert in_sql == in_python, lang
            regions_sql = list(ordering.regions().values_list("slug", flat=True))
            assert regions_sql == [
                r.slug
                for r in sorted(
                    Region.objects.all(), key=lambda r: (r.kind != "oblast", ordering.alphabetical_key(r.name))
                )
            ]


def test_without_collations_the_list_is_sorted_in_python_to_the_same_order(kazakhstan, monkeypatch):
    """The demo runs on SQLite, which has no ICU: the same order comes from the Python key."""
    with translation.override("kk"):
        in_sql = list(ordering.councils(Council.objects.all()).values_list("slug", flat=True))
        monkeypatch.setattr(connection, "vendor", "sqlite")
        in_python = list(ordering.councils(Council.objects.all()).values_list("slug", flat=True))
    assert in_python == in_sql
    assert in_python[:19] == MINISTRIES_KK


# ---------------------------------------------------------------------------------------------------------
# The pages


def test_the_filters_run_in_kazakh_order_on_kk_grouped_by_level(client, kazakhstan):
    selects = Selects(client.get("/kk/consultations/").content.decode()).selects
    assert groups(selects["region"]) == [("Облыстар", OBLASTS_KK), ("Республикалық маңызы бар қалалар", CITIES_KK)]
    councils = groups(selects["council"])
    assert [label for label, _names in councils] == [
        "Орталық мемлекеттік органдар",
        "Облыстар",
        "Республикалық маңызы бар қалалар",
        "Аудандар және облыстық маңызы бар қалалар",
    ]
    assert councils[0][1] == names(MINISTRIES_KK, "kk")  # the 19 ministries' councils, apart from the regions
    assert councils[1][1] == [name.replace("облысы", "облысының қоғамдық кеңесі") for name in OBLASTS_KK]


def test_the_filters_run_in_russian_order_on_ru(client, kazakhstan):
    selects = Selects(client.get("/ru/consultations/").content.decode()).selects
    assert groups(selects["region"]) == [("Области", OBLASTS_RU), ("Города республиканского значения", CITIES_RU)]
    councils = groups(selects["council"])
    assert councils[0] == ("Центральные государственные органы", names(MINISTRIES_RU, "ru"))
    assert councils[2][0] == "Города республиканского значения"


def test_a_chosen_region_still_filters(client, kazakhstan):
    response = client.get("/kk/consultations/?region=karaganda")
    assert response.status_code == 200
    assert '<option value="karaganda" selected>Қарағанды облысы</option>' in response.content.decode()


def test_the_subscribe_page_lists_regions_and_councils_in_order(client, kazakhstan):
    selects = Selects(client.get("/ru/subscribe/").content.decode()).selects
    assert groups(selects["region"])[0] == ("Области", OBLASTS_RU)
    assert [label for label, _names in groups(selects["council"])][:2] == [
        "Центральные государственные органы",
        "Области",
    ]
    selects = Selects(client.get("/kk/subscribe/").content.decode()).selects
    assert groups(selects["region"])[1] == ("Республикалық маңызы бар қалалар", CITIES_KK)


def test_the_directory_has_a_heading_per_level_and_regions_in_order(client, kazakhstan):
    html = client.get("/kk/councils/").content.decode()
    headings = [html.index(f"<h2>{label}</h2>") for label in ["Орталық мемлекеттік органдар", "Облыстар"]]
    assert headings == sorted(headings)
    positions = [html.index(f"<h3>{name}</h3>") for name in OBLASTS_KK]
    assert positions == sorted(positions)
    ministries = [html.index(f">{name}</a>") for name in names(MINISTRIES_KK, "kk")]
    assert ministries == sorted(ministries) and ministries[-1] < headings[1]
    html = client.get("/ru/councils/").content.decode()
    positions = [html.index(f"<h3>{name}</h3>") for name in [*OBLASTS_RU, *CITIES_RU]]
    assert positions == sorted(positions)


def test_the_compliance_matrix_and_its_charts_follow_the_order(kazakhstan):
    for lang, oblasts, ministries in (("kk", OBLASTS_KK, MINISTRIES_KK), ("ru", OBLASTS_RU, MINISTRIES_RU)):
        with translation.override(lang):
            context = compliance_admin.build({"year": 2026, "quarter": 1})
            slugs = [council.slug for council, _cells in context["rows"]]
            assert slugs[:19] == ministries
            labels = [label for label, _counts, _bar in context["by_region"]]
            assert labels[1:18] == oblasts
            assert [label for label, _counts, _bar in context["by_level"]][:2] == [
                str(Council.Level.CENTRAL.label),
                str(Council.Level.OBLAST.label),
            ]


def test_the_admin_filters_regions_in_the_alphabet_of_its_language(admin_client, kazakhstan):
    html = admin_client.get("/admin/councils/council/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    positions = [html.index(f">{name}</a>") for name in [*OBLASTS_RU, *CITIES_RU]]
    assert positions == sorted(positions)
    html = admin_client.get("/admin/consultations/consultation/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    positions = [html.index(f">{name}</a>") for name in [*OBLASTS_KK, *CITIES_KK]]
    assert positions == sorted(positions)


def test_my_councils_on_the_dashboard_run_in_order(client, kazakhstan):
    from tests.factories import MembershipFactory, staff_of

    user = staff_of(Council.objects.get(slug="karaganda"))
    MembershipFactory(council=Council.objects.get(slug="zhetisu"), user=user, role="secretary", kind="")
    client.force_login(user)
    html = client.get("/kk/workspace/").content.decode()
    assert html.index("Жетісу облысының қоғамдық кеңесі") < html.index("Қарағанды облысының қоғамдық кеңесі")
