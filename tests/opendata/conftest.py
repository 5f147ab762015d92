"""Published results with proposals of every kind, for the open-data tests."""

import pytest

from consultations import workflow
from consultations.models import Consultation
from proposals.models import Proposal
from tests.factories import add_proposal, closed_window, consultation_at, secretary_of, take_step

State = Consultation.State


def publish_results(consultation: Consultation) -> Consultation:
    """From the intake to the published position, as the secretary would (the proposals already entered)."""
    by = secretary_of(consultation.schedule.council)
    path = workflow.states_of(consultation)
    for target in path[path.index(consultation.state) + 1 : path.index(State.POSITION_PUBLISHED) + 1]:
        take_step(consultation, target, by=by)
    consultation.refresh_from_db()
    return consultation


@pytest.fixture
def results():
    """A draft act's consultation with its position published: a citizen who agreed to be named, one who did
    not, an organisation, and a proposal set aside; each with a contact, all with consent recorded."""
    consultation = consultation_at(
        State.HELD, occasion=Consultation.Occasion.DRAFT_ACT, listed_proposals=0, **closed_window()
    )
    by = secretary_of(consultation.schedule.council)
    listed = Proposal.Moderation.LISTED
    named = add_proposal(
        consultation, by=by, moderation=listed, author_name="Ержан Named-Citizen", contact="named@mail.kz",
        text="Паркке көбірек орындық қою керек.",
    )  # fmt: skip
    hidden = add_proposal(
        consultation, by=by, moderation=listed, author_name="Hidden Author-Name", hide_name=True,
        contact="+7 701 555 0101", language="ru", text="Продлить работу автобусов до полуночи.",
    )  # fmt: skip
    organisation = add_proposal(
        consultation, by=by, moderation=listed, author_kind=Proposal.AuthorKind.PUBLIC_ORG,
        organisation="«Жасыл қала» қоғамдық бірлестігі", author_name="Org Contact-Person", contact="org@mail.kz",
        text="Ағаш отырғызу жоспарын жариялау керек.",
    )  # fmt: skip
    set_aside = add_proposal(
        consultation, by=by, moderation=Proposal.Moderation.SET_ASIDE, author_name="Set-Aside Author",
        contact="aside@mail.kz", text="Set-aside text never published.",
    )  # fmt: skip
    publish_results(consultation)
    return {
        "consultation": consultation, "named": named, "hidden": hidden, "organisation": organisation,
        "set_aside": set_aside,
    }  # fmt: skip
