"""Every table of every PDF keeps its text inside its columns, in Kazakh, Russian and both, with long words
and long references.

The check reads WeasyPrint's own layout: each line of text inside a table cell must end within the cell's
content box, and each table within the page. Text that runs over into the next column ("Регистрационный",
a reference number) is a line wider than its cell. `pdftotext -bbox-layout` confirms it on the PDF itself.
"""

import re
import shutil
import subprocess
from html import unescape

import pytest
from django.utils import translation

from consultations.models import RenderedDocument
from consultations.pdf import document_html

Kind = RenderedDocument.Kind

# Long words as Kazakh and Russian documents really have them, and the longest references the portal gives.
LONG_KK = (
    "Мемлекеттік-жекешелік әріптестік жобаларын жүзеге асырудың тиімділігін арттыру туралы "
    "жергілікті атқарушы органдардың шешімдерін қоғамдық талқылауға шығару ұйымдастырылмағандықтан"
)
LONG_RU = (
    "Совершенствование законодательства о государственно-частном партнёрстве и "
    "высокотехнологичной медицинской помощи, ориентированной на узкоспециализированные учреждения"
)
REFERENCES = [f"QG-2026-{n:06d}" for n in (123456, 234567, 345678, 456789, 567890, 678901, 789012)]
COUNCIL = {
    "name": {
        "kk": "Қазақстан Республикасы Денсаулық сақтау министрлігі жанындағы қоғамдық кеңес",
        "ru": "Общественный совет при Министерстве здравоохранения Республики Казахстан",
    },
    "state_body": {"kk": "Денсаулық сақтау министрлігі", "ru": "Министерство здравоохранения"},
    "slug": "health",
}
BOTH = {"kk": LONG_KK, "ru": LONG_RU}


def consultation_data() -> dict:
    return {
        "council": COUNCIL,
        "title": BOTH,
        "occasion": {"kk": "НҚА жобасына қоғамдық сараптама", "ru": "общественная экспертиза проекта НПА"},
        "act_title": BOTH,
        "act_number": "ДП-2026-00012345",
        "slug": "long",
    }


def schedule_data() -> dict:
    item = {
        "title": BOTH,
        "occasion": {"kk": "азаматтарды жеке қабылдау", "ru": "общественная экспертиза проекта НПА"},
        "format": {"kk": "аралас", "ru": "смешанный"},
        "venue": {
            "kk": "Ақмола облысы әкімдігінің мәжіліс залы, Көкшетау қаласы, Абай көшесі, 89",
            "ru": "Конференц-зал акимата Акмолинской области, город Кокшетау, улица Абая, 89",
        },
        "starts_on": "2026-10-01",
        "ends_on": "2026-10-21",
    }
    return {"council": COUNCIL, "year": 2026, "quarter": 4, "revision": 2, "items": [
        item | {"number": n} for n in (1, 57, 1234)  # the № column as wide as a long list of proposals needs
    ]}  # fmt: skip


def proposals_data() -> dict:
    decision = {"kk": "ішінара ескерілді", "ru": "учтено частично"}
    return consultation_data() | {
        "items": [
            {
                "reference": reference,
                "received": "2026-10-12",
                "author": "Айгүлсім Нұрсұлтанқызы Жақыпбекова-Сейітқасымова",
                "channel": {"kk": "портал", "ru": "портал"},
                "question": None,
                "text": (LONG_KK if n % 2 else LONG_RU) + " https://legalacts.egov.kz/npa/view?id=14839571&lang=ru",
                "language": "kk" if n % 2 else "ru",
                "decision": "partly_taken",
                "decision_label": decision,
                "reasons": BOTH,
            }
            for n, reference in enumerate(REFERENCES)
        ],
        "set_aside": 2,
    }


def recommendation_data() -> dict:
    return consultation_data() | {
        "introduction": BOTH,
        "points": [
            {
                "number": 100 + n,
                "text": BOTH,
                "proposals": REFERENCES[: n + 2],
                "answer": {"kk": "ішінара қабылданды", "ru": "принято частично"},
                "answer_reasons": BOTH,
            }
            for n in range(1, 4)
        ],
        "sent_on": "2026-10-30",
    }


def position_data() -> dict:
    return consultation_data() | {
        "position": BOTH,
        "counts": {"taken_into_account": 1234, "partly_taken": 567, "not_taken": 89},
        "total": 12345,
        "listed": 2345,
    }


DATA = {
    Kind.SCHEDULE: schedule_data,
    Kind.PROPOSALS: proposals_data,
    Kind.RECOMMENDATION: recommendation_data,
    Kind.POSITION: position_data,
}
CASES = [(kind, language) for kind in DATA for language in ("kk", "ru", "both")]


def html_of(kind: str, language: str) -> str:
    document = RenderedDocument(kind=kind, language=language, data=DATA[kind]())
    with translation.override("kk"):
        return document_html(document)


def render(kind: str, language: str):
    from weasyprint import HTML, URLFetcher

    return HTML(string=html_of(kind, language), url_fetcher=URLFetcher(allowed_protocols=())).render()


def cell_lines(layout) -> list[str]:
    """The text of every line of every table cell, as laid out."""
    from weasyprint.formatting_structure import boxes

    lines = []
    for page in layout.pages:
        for cell in page._page_box.descendants():
            if isinstance(cell, boxes.TableCellBox):
                for line in cell.descendants():
                    if isinstance(line, boxes.LineBox):
                        lines.append("".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox)))
    return lines


LONGEST_WORD = 25  # longer "words" (a URL) may break anywhere


def source_words(html: str) -> tuple[set[str], list[str]]:
    """The words of the document, and their parts after a hyphen (a line may break there); the long ones apart."""
    text = unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(br|/td|/th|/p|/div|/h1|/h2)\b[^>]*>", " ", html)))
    words = set(text.split())
    parts = words | {part for word in words for part in re.split(r"(?<=-)", word) if part}
    return parts, [word for word in words if len(word) > LONGEST_WORD]


def overflows(layout) -> list[str]:
    """Every line of a table cell wider than the cell's content box, and every table wider than its page."""
    from weasyprint.formatting_structure import boxes

    found = []
    tolerance = 0.5  # CSS px: rounding
    for number, page in enumerate(layout.pages, 1):
        page_box = page._page_box
        page_right = page_box.content_box_x() + page_box.width
        for box in page_box.descendants():
            if isinstance(box, boxes.TableBox) and box.position_x + box.margin_width() > page_right + tolerance:
                found.append(f"page {number}: a table runs past the page's margin")
            if not isinstance(box, boxes.TableCellBox):
                continue
            left, right = box.content_box_x(), box.content_box_x() + box.width
            for line in box.descendants():
                if isinstance(line, boxes.TextBox) and (
                    line.position_x + line.width > right + tolerance or line.position_x < left - tolerance
                ):
                    found.append(
                        f"page {number}: «{line.text}» is {line.width:.0f}px wide in a cell of {box.width:.0f}px"
                    )
    return found


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_every_cell_keeps_its_text_inside_its_column(kind, language):
    layout = render(kind, language)
    assert not overflows(layout), overflows(layout)


@pytest.mark.parametrize(("kind", "language"), CASES)
def test_no_word_is_cut_in_two_to_fit_its_column(kind, language):
    """The columns are wide enough for their headers' words, a reference number and an ordinary long word:
    a line of a cell ends between words (or after a hyphen), never inside a word."""
    html = html_of(kind, language)
    words, long_words = source_words(html)
    cut = sorted(
        {
            token
            for line in cell_lines(render(kind, language))
            for token in line.split()
            if token not in words and not any(token in word for word in long_words)
        }
    )
    assert not cut


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize("language", ["kk", "ru", "both"])
def test_the_proposals_pdf_keeps_the_reference_number_in_its_column(tmp_path, language):
    """On the PDF itself: no word of the reference column reaches the proposal column."""
    pdf = tmp_path / "proposals.pdf"
    pdf.write_bytes(render(Kind.PROPOSALS, language).write_pdf())
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
    seen = set()
    for page in xml.split("<page ")[1:]:
        words = [
            (float(x_min), float(y_min), float(x_max), unescape(text))
            for x_min, y_min, x_max, text in word.findall(page)
        ]
        # The columns start where their headers do (repeated on every page): the reference number's, the proposal's.
        headers = [w for w in words if w[3] in ("Тіркеу", "Регистрационный", "Ұсыныс", "Предложение")]
        reference_column = min(x_min for x_min, _y, _x, text in headers if text in ("Тіркеу", "Регистрационный"))
        text_column = min(x_min for x_min, _y, _x, text in headers if text in ("Ұсыныс", "Предложение"))
        table_top = min(y_min for _x, y_min, _x2, _t in headers)
        in_column = [
            (text, x_max)
            for x_min, y_min, x_max, text in words
            if y_min >= table_top and reference_column <= x_min < text_column
        ]
        seen |= {text for text, _x_max in in_column}
        over = [(text, x_max) for text, x_max in in_column if x_max >= text_column]
        assert not over, (over, text_column)
    assert seen >= set(REFERENCES)
