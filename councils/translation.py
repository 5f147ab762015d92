from modeltranslation.translator import TranslationOptions, register

from .models import Council, Meeting, Membership, Reception, Region


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name", "centre")


@register(Council)
class CouncilTranslation(TranslationOptions):
    fields = ("name", "state_body", "address")


@register(Membership)
class MembershipTranslation(TranslationOptions):
    fields = ("full_name", "organisation")


@register(Meeting)
class MeetingTranslation(TranslationOptions):
    fields = ("place", "agenda", "protocol_file")


@register(Reception)
class ReceptionTranslation(TranslationOptions):
    fields = ("place", "topic")
