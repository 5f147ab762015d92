"""What the open-data API says of each object: public fields only, every text in both languages as
{"kk": …, "ru": …}, every coded value as {"code": …, "kk": …, "ru": …}, every page's address in both languages.

What is left out is left out on purpose: contacts, consent evidence, the accounts that acted, hidden names,
drafts and anything of a schedule not yet published (the querysets in opendata/api.py choose the rows). What
citizens wrote into their proposals goes out with IINs, phone numbers and emails masked (common.personal_data).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.personal_data import mask
from consultations.models import Consultation, Question, RecommendationPoint
from councils.models import Council, Meeting, Quorum, Region
from proposals.models import Proposal
from publications.models import Announcement

LANGUAGES = ("kk", "ru")

BILINGUAL_SCHEMA = {
    "type": "object",
    "properties": {language: {"type": "string"} for language in LANGUAGES},
    "required": list(LANGUAGES),
}


@extend_schema_field(BILINGUAL_SCHEMA)
class Bilingual(serializers.Field):
    """A translated field (modeltranslation's `<name>_kk`, `<name>_ru`), each language as stored: empty where
    the council wrote nothing in it, never the other language's text in its place."""

    def __init__(self, path: str | None = None, *, masked: bool = False, **kwargs):
        self.path = path  # "text", or "position.text" for a related object's field; the field's own name if None
        self.masked = masked  # personal data masked, each language's text with the marks in its language
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        *related, name = (self.path or self.field_name).split(".")
        for attribute in related:
            instance = getattr(instance, attribute)
        texts = {language: getattr(instance, f"{name}_{language}") or "" for language in LANGUAGES}
        return {language: mask(text, language) for language, text in texts.items()} if self.masked else texts


@extend_schema_field(OpenApiTypes.STR)
class ProposalText(serializers.Field):
    """A proposal's text as its author wrote it, with IINs, phone numbers and emails masked, the marks in the
    proposal's own language."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, proposal):
        return mask(proposal.text, proposal.language)


@functools.cache
def _labels(choices: type) -> dict[str, dict[str, str]]:
    """Each code's label in both languages, looked up once per process (the catalogues do not change)."""
    labels = {code: {} for code in choices.values}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in choices.choices:
                labels[code][language] = str(label)
    return labels


class Coded(serializers.Field):
    """A value from a fixed list: its code (stable, for programs) and its label in both languages (for people);
    null where none is set."""

    def __init__(self, choices: type, **kwargs):
        self.choices = choices
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if not value:
            return None
        return {"code": value, **_labels(self.choices)[value]}


def _coded_schema(choices: type, nullable: bool = False) -> dict:
    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "enum": list(choices.values)},
            **{language: {"type": "string"} for language in LANGUAGES},
        },
        "required": ["code", *LANGUAGES],
    }
    return {**schema, "nullable": True} if nullable else schema


def coded(choices: type, *, nullable: bool = False, **kwargs) -> Coded:
    # A class of its own for each list, so that each carries its own schema (the decorator marks the class).
    field_class = type(f"{choices.__qualname__.replace('.', '')}Field", (Coded,), {})
    return extend_schema_field(_coded_schema(choices, nullable))(field_class)(choices, **kwargs)


def page_urls(view_name: str, *args) -> dict[str, str]:
    """The public page's absolute address in each language."""
    urls = {}
    for language in LANGUAGES:
        with translation.override(language):
            urls[language] = settings.SITE_URL + reverse(view_name, args=args)
    return urls


@extend_schema_field(BILINGUAL_SCHEMA)
class PageUrls(serializers.Field):
    """The object's public page in both languages."""

    def __init__(self, view_name: str, *attributes: str, **kwargs):
        self.view_name, self.attributes = view_name, attributes
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        args = []
        for attribute in self.attributes:
            value = instance
            for part in attribute.split("."):
                value = getattr(value, part)
            args.append(value)
        return page_urls(self.view_name, *args)


class RegionSerializer(serializers.ModelSerializer):
    name = Bilingual()
    centre = Bilingual()
    kind = coded(Region.Kind)

    class Meta:
        model = Region
        fields = ["slug", "name", "kind", "centre"]


class RegionRefSerializer(serializers.ModelSerializer):
    name = Bilingual()

    class Meta:
        model = Region
        fields = ["slug", "name"]


class CouncilSerializer(serializers.ModelSerializer):
    name = Bilingual()
    state_body = Bilingual()
    address = Bilingual()
    level = coded(Council.Level)
    region = RegionRefSerializer(allow_null=True)
    url = PageUrls("councils:detail", "slug")

    class Meta:
        model = Council
        fields = [
            "slug", "name", "level", "region", "state_body", "address", "phone", "email", "website",
            "term_starts_on", "term_ends_on", "url",
        ]  # fmt: skip


class CouncilRefSerializer(serializers.ModelSerializer):
    name = Bilingual()

    class Meta:
        model = Council
        fields = ["slug", "name"]


class QuestionSerializer(serializers.ModelSerializer):
    text = Bilingual()

    class Meta:
        model = Question
        fields = ["position", "text"]


class ConsultationSerializer(serializers.ModelSerializer):
    council = CouncilRefSerializer(source="schedule.council")
    year = serializers.IntegerField(source="schedule.year")
    quarter = serializers.IntegerField(source="schedule.quarter")
    step = coded(Consultation.State, source="state")
    occasion = coded(Consultation.Occasion)
    format = coded(Consultation.Format)
    title = Bilingual()
    description = Bilingual()
    act_title = Bilingual()
    act_drafted_by = Bilingual()
    social_effect = Bilingual()
    venue = Bilingual()
    participation = Bilingual()
    cancellation_reason = Bilingual()
    early_closing_reason = Bilingual()
    questions = QuestionSerializer(many=True)
    url = PageUrls("consultations:detail", "slug")
    results = serializers.SerializerMethodField(help_text="The results in this API, once the position is published.")

    class Meta:
        model = Consultation
        fields = [
            "slug", "council", "year", "quarter", "number", "occasion", "step", "state_since", "title",
            "description", "act_title", "act_number", "act_url", "act_drafted_by", "social_effect", "format",
            "venue", "link", "participation", "starts_on", "ends_on", "window_opens_at", "window_closes_at",
            "cancellation_reason", "early_closing_reason", "questions", "url", "results",
        ]  # fmt: skip

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_results(self, consultation) -> str | None:
        if consultation.state != Consultation.State.POSITION_PUBLISHED:
            return None
        return settings.SITE_URL + reverse("opendata:results", args=[consultation.slug])


class ScheduleConsultationSerializer(serializers.ModelSerializer):
    title = Bilingual()
    step = coded(Consultation.State, source="state")
    url = PageUrls("consultations:detail", "slug")

    class Meta:
        model = Consultation
        fields = ["slug", "number", "title", "step", "url"]


class ScheduleSerializer(serializers.Serializer):
    council = CouncilRefSerializer()
    year = serializers.IntegerField()
    quarter = serializers.IntegerField()
    revision = serializers.IntegerField(source="published_revision", help_text="The revision published.")
    consultations = ScheduleConsultationSerializer(many=True, source="public_consultations")


class RecommendationPointSerializer(serializers.ModelSerializer):
    text = Bilingual()
    answer = coded(RecommendationPoint.Answer, nullable=True)
    answer_reasons = Bilingual()

    class Meta:
        model = RecommendationPoint
        fields = ["number", "text", "answer", "answer_reasons"]


class RecommendationSerializer(serializers.Serializer):
    introduction = Bilingual()
    sent_on = serializers.DateField(allow_null=True, help_text="Sent to the state body on.")
    answer_received_on = serializers.DateField(allow_null=True, help_text="The state body's answer received on.")
    points = RecommendationPointSerializer(many=True)


class ResultsSerializer(serializers.Serializer):
    consultation = serializers.CharField(source="slug")
    published_on = serializers.DateField(source="state_since")
    position = Bilingual("position.text")
    recommendation = RecommendationSerializer(allow_null=True)
    listed = serializers.IntegerField(source="listed_count", help_text="Proposals in the list, each in `proposals`.")
    proposals = serializers.SerializerMethodField(help_text="The listed proposals in this API.")
    url = PageUrls("consultations:results", "slug")

    @extend_schema_field(OpenApiTypes.URI)
    def get_proposals(self, consultation) -> str:
        return settings.SITE_URL + reverse("opendata:proposals", args=[consultation.slug])


class ProposalSerializer(serializers.ModelSerializer):
    """A listed proposal of a consultation whose position is published, as its results page shows it."""

    author = serializers.CharField(
        source="public_author", help_text="The organisation, or the citizen's name where they agreed to publish it."
    )
    author_kind = coded(Proposal.AuthorKind)
    channel = coded(Proposal.Channel)
    question = serializers.IntegerField(source="question.position", allow_null=True, default=None)
    decision = coded(Proposal.Decision, nullable=True)
    text = ProposalText(help_text="As written, in `language`; IINs, phone numbers and emails masked.")
    decision_reasons = Bilingual(masked=True)
    recommendation_points = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "reference", "submitted_at", "language", "channel", "author_kind", "author", "question", "text",
            "decision", "decision_reasons", "recommendation_points",
        ]  # fmt: skip

    def get_recommendation_points(self, proposal) -> list[int]:
        return sorted(point.number for point in proposal.recommendation_points.all())


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {name: {"type": "integer"} for name in ("members", "present", "needed")}
        | {"reached": {"type": "boolean"}},
    }
)
class QuorumField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, meeting):
        if meeting.protocol_published_at is None:
            return None
        # Counted in the list's own query (api.MeetingList): Meeting.quorum() would take two queries a meeting.
        quorum = Quorum(members=meeting.members_on_the_day, present=meeting.members_present)
        return {
            "members": quorum.members,
            "present": quorum.present,
            "needed": quorum.needed,
            "reached": quorum.reached,
        }


@extend_schema_field({**BILINGUAL_SCHEMA, "nullable": True})
class ProtocolField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, meeting):
        if meeting.protocol_published_at is None:
            return None
        return {
            language: page_urls("meeting-protocol", meeting.pk, language)[language]
            if getattr(meeting, f"protocol_file_{language}")
            else ""
            for language in LANGUAGES
        }


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^[0-2][0-9]:[0-5][0-9]$",
        "nullable": True,
        "description": "Local time in Kazakhstan, HH:MM (a time of day, not an instant: no offset).",
    }
)
class LocalTime(serializers.TimeField):
    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", read_only=True, **kwargs)


class MeetingSerializer(serializers.ModelSerializer):
    council = CouncilRefSerializer()
    start_time = LocalTime()
    place = Bilingual()
    agenda = Bilingual()
    protocol_number = serializers.SerializerMethodField()
    protocol = ProtocolField(help_text="The signed protocol (PDF) in each language, once published.")
    quorum = QuorumField(help_text="Members on the meeting's date and those present, once the protocol is published.")
    url = PageUrls("meeting", "pk")

    class Meta:
        model = Meeting
        fields = [
            "id", "council", "date", "start_time", "place", "link", "agenda", "protocol_number", "protocol",
            "quorum", "url",
        ]  # fmt: skip

    def get_protocol_number(self, meeting) -> str:
        return meeting.protocol_number if meeting.protocol_published_at else ""


class AnnouncementSerializer(serializers.ModelSerializer):
    council = CouncilRefSerializer(allow_null=True)
    event = coded(Announcement.Event)
    title = Bilingual()
    text = Bilingual()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = ["id", "council", "event", "published_at", "title", "text", "url"]

    @extend_schema_field({**BILINGUAL_SCHEMA, "nullable": True})
    def get_url(self, announcement) -> dict | None:
        """The page it announces, in each language (its path is stored without the language prefix)."""
        if not announcement.path:
            return None
        return {language: f"{settings.SITE_URL}/{language}{announcement.path}" for language in LANGUAGES}
