from modeltranslation.translator import TranslationOptions, register

from .models import (
    ComplianceRuleBasis,
    Consultation,
    Document,
    InformationRequest,
    Position,
    Question,
    Recommendation,
    RecommendationPoint,
)


@register(Consultation)
class ConsultationTranslation(TranslationOptions):
    fields = (
        "title",
        "description",
        "act_title",
        "act_drafted_by",
        "social_effect",
        "venue",
        "participation",
        "cancellation_reason",
        "early_closing_reason",
    )


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ("text",)


@register(InformationRequest)
class InformationRequestTranslation(TranslationOptions):
    fields = ("addressee", "subject", "answer")


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("title",)


@register(Recommendation)
class RecommendationTranslation(TranslationOptions):
    fields = ("introduction",)


@register(RecommendationPoint)
class RecommendationPointTranslation(TranslationOptions):
    fields = ("text", "answer_reasons")


@register(Position)
class PositionTranslation(TranslationOptions):
    fields = ("text",)


@register(ComplianceRuleBasis)
class ComplianceRuleBasisTranslation(TranslationOptions):
    fields = ("basis",)
