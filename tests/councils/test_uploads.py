"""Uploaded files are judged by their content, never by their name."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from common.errors import ActionRefused
from councils import uploads

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


DOCX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT_BYTES = zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def upload(content: bytes, name: str = "file.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, uploads.PDF),
        (DOCX_BYTES, uploads.DOCX),
        (xlsx_bytes(), uploads.XLSX),
        (ODT_BYTES, uploads.ODT),
        (PNG_BYTES, uploads.PNG),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, uploads.JPEG),
        (b"<!DOCTYPE html><html><script>alert(1)</script>", uploads.HTML),
        (zipped({"readme.txt": b"hi"}), uploads.ZIP),
        (b"", uploads.EMPTY),
    ],
)
def test_a_file_is_recognised_by_its_content(content, kind):
    assert uploads.detect(upload(content, "whatever.pdf")) == kind


def test_an_allowed_document_passes_and_the_file_is_left_at_its_start():
    file = upload(DOCX_BYTES, "проект.docx")
    assert uploads.check_upload(file, allowed=uploads.DOCUMENT_KINDS, max_megabytes=20) == uploads.DOCX
    assert file.read(2) == b"PK"


def test_an_image_named_as_a_pdf_is_refused_with_its_real_type_named():
    with pytest.raises(ActionRefused) as refused:
        uploads.check_upload(upload(PNG_BYTES, "draft.pdf"), allowed=uploads.DOCUMENT_KINDS, max_megabytes=20)
    assert "a PNG image" in str(refused.value)
    assert "PDF, DOCX, ODT, XLSX" in str(refused.value)


def test_a_file_over_the_limit_is_refused():
    with pytest.raises(ActionRefused) as refused:
        uploads.check_upload(upload(PDF_BYTES + b" " * (1024 * 1024)), allowed=uploads.DOCUMENT_KINDS, max_megabytes=1)
    assert "larger than 1 megabyte" in str(refused.value)


def test_stored_names_are_our_own():
    name = uploads.stored_name(uploads.PDF)
    assert name.endswith(".pdf") and len(name) == 36 and name != uploads.stored_name(uploads.PDF)
