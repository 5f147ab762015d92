"""Every template of the project reads short lines and asks the models, not the codes: no line over 120
characters, and no `{% if %}` comparing a state, a moderation, a decision or a step with a literal (a template
asks a property, such as `consultation.is_open_for_proposals`, or the step table)."""

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
CONDITION = re.compile(r"\{%-?\s*(?:el)?if\b(?P<test>.*?)%\}")
CODE_COMPARED = re.compile(r"\.(state|moderation|decision|event|kind)\s*(==|!=|\bin\b)\s*[\"']")
STATE_LITERAL = re.compile(rf"[\"']({STATES})[\"']")
STEP_COMPARED = re.compile(rf"name\s*(==|!=)\s*[\"']({STEPS})[\"']|[\"']({STEPS})[\"']\s*(==|!=)\s*\S*name\b")


def template_files() -> list[Path]:
    """The project's templates: templates/ and every app's templates/ (the virtualenv's are not ours)."""
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(path for folder in folders for path in folder.rglob("*") if path.is_file() and path.suffix != ".mo")


def problems_of(text: str) -> list[str]:
    """What is wrong with a template's text, one item per fault, each naming its line."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > LONGEST:
            problems.append(f"line {number}: {len(line)} characters (at most {LONGEST})")
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
    problems = problems_of(path.read_text(encoding="utf-8"))
    assert not problems, f"{name}:\n" + "\n".join(problems)
