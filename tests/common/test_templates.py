"""Every template of the project reads short lines and asks the models, not the codes: no line over 120
characters (but for those still left, counted per file in `LONG_LINES_LEFT`), and no `{% if %}` comparing a
state, a moderation, a decision or a step with a literal (a template asks a property, such as
`consultation.is_open_for_proposals`, or the step table)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 120
STATES = (
    "planned|decided|questions_approved|announced|held|proposals_compiled|recommendation_drafted"
    "|position_published|cancelled"
)
STEPS = (
    "decide|approve_questions|announce|open_intake|close_intake|compile_proposals|draft_recommendation"
    "|publish_position|cancel|step_back"
)
# Lines over 120 characters still left, per file: the number may only go down. Only wrapping that leaves every
# page's bytes unchanged was done so far (long texts as `{% blocktranslate trimmed %}` over several lines); the
# lines left break only where a newline would add whitespace to a page (between tags, inside a tag or a text),
# which tests comparing raw HTML, and mail and announcement texts, would see; a mail text cannot break at all.
LONG_LINES_LEFT = {
    "common/templates/common/field.html": 4,
    "templates/admin/base_site.html": 3,
    "templates/admin/compliance/_bars.html": 4,
    "templates/admin/compliance/_heading.html": 2,
    "templates/admin/compliance/detail.html": 4,
    "templates/admin/compliance/matrix.html": 4,
    "templates/admin/compliance/report.html": 2,
    "templates/base.html": 2,
    "templates/consultations/announcements/consultation_announced.txt": 2,
    "templates/consultations/announcements/schedule_published.txt": 1,
    "templates/consultations/detail.html": 13,
    "templates/consultations/list.html": 2,
    "templates/consultations/mail/answer.txt": 1,
    "templates/consultations/mail/reminder.txt": 1,
    "templates/consultations/results.html": 10,
    "templates/councils/detail.html": 20,
    "templates/councils/list.html": 1,
    "templates/councils/meeting.html": 6,
    "templates/documents/base.html": 1,
    "templates/documents/position.html": 1,
    "templates/documents/proposals.html": 4,
    "templates/documents/recommendation.html": 2,
    "templates/documents/schedule.html": 2,
    "templates/home.html": 3,
    "templates/includes/also_published.html": 1,
    "templates/includes/consultation_card.html": 4,
    "templates/includes/feed_links.html": 8,
    "templates/includes/form_errors.html": 2,
    "templates/includes/form_fields.html": 1,
    "templates/includes/intake_notice.html": 4,
    "templates/includes/language_switch.html": 2,
    "templates/includes/pagination.html": 2,
    "templates/includes/plain_fields.html": 1,
    "templates/includes/schedule_change.html": 1,
    "templates/includes/timeline.html": 2,
    "templates/proposals/closed.html": 1,
    "templates/proposals/lookup.html": 1,
    "templates/proposals/propose.html": 7,
    "templates/proposals/status.html": 5,
    "templates/publications/mail/confirm.txt": 1,
    "templates/publications/subscribe.html": 1,
    "templates/publications/subscription_confirm.html": 1,
    "templates/workspace/_attachments.html": 6,
    "templates/workspace/_recorded_changes.html": 1,
    "templates/workspace/_recorded_publications.html": 4,
    "templates/workspace/attachment_form.html": 4,
    "templates/workspace/attachment_remove.html": 3,
    "templates/workspace/attendance.html": 2,
    "templates/workspace/base.html": 3,
    "templates/workspace/consultation.html": 36,
    "templates/workspace/consultation_form.html": 1,
    "templates/workspace/council.html": 8,
    "templates/workspace/dashboard.html": 14,
    "templates/workspace/document.html": 1,
    "templates/workspace/entry.html": 1,
    "templates/workspace/inbox.html": 19,
    "templates/workspace/information_request.html": 1,
    "templates/workspace/meeting_announce.html": 2,
    "templates/workspace/meeting_form.html": 1,
    "templates/workspace/password_reset.html": 1,
    "templates/workspace/password_reset_confirm.html": 1,
    "templates/workspace/position.html": 2,
    "templates/workspace/proposal.html": 11,
    "templates/workspace/questions.html": 3,
    "templates/workspace/reception_form.html": 1,
    "templates/workspace/recommendation.html": 2,
    "templates/workspace/recorded_publication.html": 2,
    "templates/workspace/schedule.html": 12,
    "templates/workspace/scheduled_announcement.html": 1,
    "templates/workspace/state_body_answer.html": 4,
}
CONDITION = re.compile(r"\{%-?\s*(?:el)?if\b(?P<test>.*?)%\}")
CODE_COMPARED = re.compile(r"\.(state|moderation|decision|event|kind)\s*(==|!=|\bin\b)\s*[\"']")
STATE_LITERAL = re.compile(rf"[\"']({STATES})[\"']")
STEP_COMPARED = re.compile(rf"name\s*(==|!=)\s*[\"']({STEPS})[\"']|[\"']({STEPS})[\"']\s*(==|!=)\s*\S*name\b")


def template_files() -> list[Path]:
    """The project's templates: templates/ and every app's templates/ (the virtualenv's are not ours)."""
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file() and path.suffix != ".mo")


def problems_of(text: str, name: str = "") -> list[str]:
    """What is wrong with a template's text, one item per fault, each naming its line (a file's long lines only
    beyond the number `LONG_LINES_LEFT` still allows it)."""
    problems = []
    long_lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if len(line) > LONGEST]
    if len(long_lines) > LONG_LINES_LEFT.get(name, 0):
        problems += [f"line {number}: {len(line)} characters (at most {LONGEST})" for number, line in long_lines]
    for number, line in enumerate(text.splitlines(), start=1):
        for condition in CONDITION.finditer(line):
            test = condition.group("test")
            if any(pattern.search(test) for pattern in (CODE_COMPARED, STATE_LITERAL, STEP_COMPARED)):
                problems.append(f"line {number}: compares a code with a literal: {condition.group(0)}")
    return problems


@pytest.mark.parametrize(
    "sample",
    [
        "x" * 121,
        '{% if consultation.state == "held" %}open{% endif %}',
        "{% if proposal.moderation != 'new' %}considered{% endif %}",
        '<p>{% elif schedule.state in "draft approved" %}</p>',
        '{% if proposal.decision == "accepted" %}yes{% endif %}',
        '{% if "announced" == state %}yes{% endif %}',
        '{% if primary.name == "close_intake" %}until{% endif %}',
        "{% if bound_name == 'step_back' %} open{% endif %}",
        '{% if step and step != "cancelled" %}{% endif %}',
    ],
)
def test_the_checker_finds_a_bad_line(sample):
    assert problems_of(f"{{% load i18n %}}\n{sample}\n") and problems_of(sample)[0].startswith("line 1: ")


@pytest.mark.parametrize(
    "sample",
    [
        "x" * 120,
        "{% if consultation.is_open_for_proposals %}open{% endif %}",
        '{% if current == "kk" %} aria-pressed="true"{% endif %}',
        '{% if field.widget_type == "checkbox" %} checkbox{% endif %}',
        '<p class="held">{% translate "The consultation was held." %}</p>',
        '{% elif choice.data.value == "decide" %}<div class="bulk-fields">',
    ],
)
def test_the_checker_lets_a_good_line_pass(sample):
    assert problems_of(sample) == []


def test_the_checker_sees_the_templates():
    names = {path.relative_to(ROOT).as_posix() for path in template_files()}
    assert "templates/base.html" in names and not any(name.startswith(".venv") for name in names)


@pytest.mark.parametrize("path", template_files(), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_no_template_has_a_long_line_or_compares_a_code_with_a_literal(path):
    name = path.relative_to(ROOT).as_posix()
    problems = problems_of(path.read_text(encoding="utf-8"), name)
    assert not problems, f"{name}:\n" + "\n".join(problems)
