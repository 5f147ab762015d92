"""Likely spam among a consultation's proposals (issue 18): flagged in the inbox for the secretary, who sets it
aside in one click or keeps it. The portal never sets a proposal aside nor deletes it by itself.

Three signs, each cheap and each explainable to the secretary:
- only a link: the text is a link or links, with hardly a word around them;
- sent again and again: the same text from the same contact REPEATS times or more in the consultation;
- in neither language: the text's letters are mostly not Cyrillic (Kazakh and Russian are both written in it).
"""

from __future__ import annotations

import re

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Proposal

LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
WORDS_AROUND_A_LINK = 15  # letters: fewer around a link, and the link is all the proposal says
REPEATS = 3
LETTERS_TO_JUDGE = 12  # fewer letters (a number, "Иә") say nothing of the language
CYRILLIC_SHARE = 0.5

SIGNS = {
    "link_only": _("only a link"),
    "repeated": _("the same text sent again and again from one address"),
    "foreign": _("in neither Kazakh nor Russian"),
}


def link_only(text: str) -> bool:
    return bool(LINK.search(text)) and sum(c.isalpha() for c in LINK.sub("", text)) < WORDS_AROUND_A_LINK


def in_neither_language(text: str) -> bool:
    letters = [c for c in LINK.sub("", text) if c.isalpha()]
    if len(letters) < LETTERS_TO_JUDGE:
        return False
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    return cyrillic / len(letters) < CYRILLIC_SHARE


def signs(proposals: list[Proposal], consultation) -> dict[int, list[str]]:
    """The signs of spam of each proposal not yet sorted (by pk; none for the others), in one query."""
    new = [p for p in proposals if p.is_new]
    if not new:
        return {}
    repeated = {
        (row["contact"], row["text"])
        for row in consultation.proposals.exclude(contact="")
        .filter(contact__in={p.contact for p in new if p.contact})
        .order_by()  # the model's ordering would split the groups
        .values("contact", "text")
        .annotate(n=Count("pk"))
        .filter(n__gte=REPEATS)
    }
    found = {}
    for proposal in new:
        codes = [
            code
            for code, present in (
                ("link_only", link_only(proposal.text)),
                ("repeated", bool(proposal.contact) and (proposal.contact, proposal.text) in repeated),
                ("foreign", in_neither_language(proposal.text)),
            )
            if present
        ]
        if codes:
            found[proposal.pk] = [SIGNS[code] for code in codes]
    return found
