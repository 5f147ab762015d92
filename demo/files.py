"""Small real files for the demo's documents, made without WeasyPrint (seed_demo renders no PDF): a Word
document (DOCX) built with zipfile, and a one-page PDF written by hand. The same text gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

# A fixed date inside the archive: the same document is the same file every time.
_ZIP_DATE = (2026, 1, 1, 0, 0, 0)

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)


def docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """A Word document of `paragraphs`, each (style, text): style "title" (bold, centred), "heading" (bold)
    or "" (plain). Any Unicode text, the Kazakh letters included."""
    body = []
    for style, text in paragraphs:
        paragraph = '<w:pPr><w:jc w:val="center"/></w:pPr>' if style == "title" else ""
        run = "<w:rPr><w:b/></w:rPr>" if style in ("title", "heading") else ""
        body.append(f'<w:p>{paragraph}<w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(body)
        + "</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELATIONSHIPS),
            ("word/document.xml", document),
        ):
            archive.writestr(zipfile.ZipInfo(name, date_time=_ZIP_DATE), content.encode("utf-8"))
    return buffer.getvalue()


def pdf(lines: list[str], *, landscape: bool = True) -> bytes:
    """A one-page PDF with `lines` of text in Helvetica (a font every reader has), the first one large.
    Latin letters only: the standard fonts carry no Cyrillic, and embedding one is what WeasyPrint is for."""
    width, height = (842, 595) if landscape else (595, 842)
    text = [f"BT /F1 28 Tf 60 {height - 120} Td ({_pdf_string(lines[0])}) Tj /F1 16 Tf"]
    text += [f"0 -36 Td ({_pdf_string(line)}) Tj" for line in lines[1:]]
    stream = "\n".join([*text, "ET"]).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>".encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_string(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
