from modeltranslation.translator import TranslationOptions, register

from .models import ConsentText, Proposal


@register(ConsentText)
class ConsentTextTranslation(TranslationOptions):
    fields = ("text", "operator")


@register(Proposal)
class ProposalTranslation(TranslationOptions):
    # The author's own text stays in the language it was written in; the council's reasons are bilingual.
    fields = ("decision_reasons",)
