"""Uploaded files, judged by what they contain rather than by their name: the consultation's documents, scans
of outside publications, signed protocols.

A file's name and the browser's content type are whatever the sender says; the first bytes (and, for the
ZIP-based office formats, the entries inside) say what it really is. A file that is not what the page allows
is refused with the type it really has named, so that the secretary knows what to convert it to.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.errors import ActionRefused

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    code: str  # also the extension the file is stored under
    label: str | Promise
    content_type: str


PDF = FileKind("pdf", _("a PDF document"), "application/pdf")
DOCX = FileKind(
    "docx", _("a Word document (DOCX)"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileKind(
    "xlsx", _("an Excel spreadsheet (XLSX)"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
PPTX = FileKind(
    "pptx",
    _("a PowerPoint presentation (PPTX)"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
ODT = FileKind("odt", _("an OpenDocument text (ODT)"), "application/vnd.oasis.opendocument.text")
ODS = FileKind("ods", _("an OpenDocument spreadsheet (ODS)"), "application/vnd.oasis.opendocument.spreadsheet")
ODP = FileKind("odp", _("an OpenDocument presentation (ODP)"), "application/vnd.oasis.opendocument.presentation")
PNG = FileKind("png", _("a PNG image"), "image/png")
JPEG = FileKind("jpg", _("a JPEG image"), "image/jpeg")
GIF = FileKind("gif", _("a GIF image"), "image/gif")
WEBP = FileKind("webp", _("a WebP image"), "image/webp")
OLD_OFFICE = FileKind("ole", _("an old Microsoft Office file (DOC, XLS or PPT)"), "application/x-ole-storage")
ZIP = FileKind("zip", _("a ZIP archive"), "application/zip")
HTML = FileKind("html", _("a web page (HTML)"), "text/html")
TEXT = FileKind("txt", _("a plain text file"), "text/plain")
EMPTY = FileKind("empty", _("an empty file"), "application/octet-stream")
UNKNOWN = FileKind("bin", _("a file of an unknown type"), "application/octet-stream")

DOCUMENT_KINDS = (PDF, DOCX, ODT, XLSX)  # what a consultation's documents may be (the issue of documents)
SCAN_KINDS = (PDF, PNG, JPEG)  # a scan or a screenshot of an outside publication

_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
_OFFICE_OPEN_XML = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX), ("ppt/presentation.xml", PPTX))


def detect(file) -> FileKind:
    """What the file really is, from its content. Leaves the file positioned at its start."""
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    if not head:
        return EMPTY
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLD_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(file)
    return _detect_text(head)


def _detect_zip(file) -> FileKind:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = _OPEN_DOCUMENT.get(archive.read("mimetype").strip())
                if kind:
                    return kind
            if "[Content_Types].xml" in names:
                for name, kind in _OFFICE_OPEN_XML:
                    if name in names:
                        return kind
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return UNKNOWN
    finally:
        file.seek(0)
    return ZIP


def _detect_text(head: bytes) -> FileKind:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return UNKNOWN
    if "<html" in text.lower() or "<!doctype html" in text.lower():
        return HTML
    return TEXT


def _names(kinds: Iterable[FileKind]) -> str:
    return ", ".join(kind.code.upper() for kind in kinds)


def check_upload(file, *, allowed: Iterable[FileKind], max_megabytes: int) -> FileKind:
    """The file's kind if it is one of `allowed` and not larger than `max_megabytes`; else ActionRefused
    naming what the file really is and what is allowed."""
    allowed = tuple(allowed)
    if file.size > max_megabytes * MEGABYTE:
        raise ActionRefused(
            ngettext(
                "The file is larger than %(limit)s megabyte; upload a smaller one.",
                "The file is larger than %(limit)s megabytes; upload a smaller one.",
                max_megabytes,
            )
            % {"limit": max_megabytes}
        )
    kind = detect(file)
    if kind not in allowed:
        raise ActionRefused(
            _("The file is %(kind)s, whatever its name says. Upload a file of one of these types: %(allowed)s.")
            % {"kind": kind.label, "allowed": _names(allowed)}
        )
    return kind


def stored_name(kind: FileKind) -> str:
    """A name of our own for the stored file: nothing of the sender's name reaches the disk or a URL."""
    return f"{uuid.uuid4().hex}.{kind.code}"
