"""Path converters for the typed parts of the portal's addresses.

An address part that does not have its type's form does not match, so the page is not found (404) before a
view, or the database, sees it: a NUL byte, an overlong or malformed value never reaches a query. Registered
once, when the `qogam` app is ready, before any app's patterns are read.
"""

from django.urls import register_converter


class _Pattern:
    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


class ReferenceConverter(_Pattern):
    """A proposal's public reference, QG-<year>-<number> (`proposals.services`)."""

    regex = r"[A-Z]{2}-[0-9]{4}-[0-9]{1,9}"


class LanguageConverter(_Pattern):
    """One of the portal's two languages."""

    regex = r"kk|ru"


class CodeConverter(_Pattern):
    """A code word of the portal — a document's kind, a step's name, an export's format: short, lower-case
    Latin letters and underscores."""

    regex = r"[a-z][a-z_]{0,39}"


def register() -> None:
    register_converter(ReferenceConverter, "reference")
    register_converter(LanguageConverter, "lang")
    register_converter(CodeConverter, "code")
