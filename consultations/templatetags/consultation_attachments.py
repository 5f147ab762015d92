"""What the workspace's section "Documents of the consultation" shows, for its include
(`templates/workspace/_attachments.html`): the page's view does not need to know about it."""

from django import template

from consultations import attachments, selectors
from consultations.forms import DocumentForm
from consultations.models import Consultation

register = template.Library()

State = Consultation.State
BEFORE_STEP_3 = (State.PLANNED, State.DECIDED, State.QUESTIONS_APPROVED)


@register.simple_tag
def attachments_of(consultation: Consultation) -> dict:
    """The consultation's documents, an empty form to add one, why they can no longer change (if so), and,
    before step 3 of a draft act, what step 3 will ask of them."""
    return {
        "documents": list(selectors.documents_of(consultation)),
        "form": DocumentForm(),
        "refusal": attachments.change_refusal(consultation),
        "step_3_needs": attachments.draft_available_problems(consultation)
        if consultation.state in BEFORE_STEP_3
        else [],
    }
