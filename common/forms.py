"""What the workspace's forms share: date widgets browsers understand, and Kazakh and Russian side by side."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .language_switch import KeptBoundField


class FormRenderer(DjangoTemplates):
    """Django's renderer with the portal's field template (labels without Django's trailing colon), and its
    fields showing what was typed before a language switch (common/language_switch.py)."""

    field_template_name = "common/field.html"
    bound_field_class = KeptBoundField


class PlainSelect(forms.Select):
    """A <select> whose options are written in one pass here, and put into one template (common/select.html),
    rather than Django's template per option and per option's attributes: the consultation list's council
    menu has hundreds of options, and rendering them one template each took most of the page's time. The
    same HTML in meaning — the label (the field's template), the option groups, the first chosen option
    `selected` — for options that carry no attributes of their own."""

    template_name = "common/select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not ChoiceWidget's per-option dicts
        chosen = set(context["widget"]["value"])
        parts = []

        def option(value, label):
            value = "" if value is None else str(value)
            selected = value in chosen
            if selected:
                chosen.clear()  # as Django's: only the first match of a single select
            return format_html('\n<option value="{}"{}>{}</option>', value, SELECTED if selected else "", label)

        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('\n<optgroup label="{}">', value))
                parts.extend(option(v, text) for v, text in label)
                parts.append("\n</optgroup>")
            else:
                parts.append(option(value, label))
        context["widget"]["options"] = mark_safe("".join(parts))  # each part escaped by format_html
        return context


SELECTED = mark_safe(" selected")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class BilingualForm:
    """Mixin for forms with `<name>_kk` / `<name>_ru` fields: labels say the language, inputs carry `lang`,
    and `rows` pairs them so that templates put Kazakh and Russian side by side."""

    language_labels = {"kk": _("%(label)s — in Kazakh"), "ru": _("%(label)s — in Russian")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            language = name.rsplit("_", 1)[-1]
            if language in self.language_labels and name[:-3] + ("_ru" if language == "kk" else "_kk") in self.fields:
                base = self.base_label(name[:-3], field)
                field.label = self.language_labels[language] % {"label": base}
                field.widget.attrs["lang"] = language

    def base_label(self, name, field):
        model = getattr(getattr(self, "_meta", None), "model", None)
        if model is not None:
            try:
                return model._meta.get_field(name).verbose_name.capitalize()
            except Exception:  # not a model field
                pass
        return str(field.label).split(" [")[0].capitalize()

    def rows(self):
        """[(kk_field, ru_field) or (field,)] in the form's order."""
        done, rows = set(), []
        for bound in self:
            if bound.name in done or bound.is_hidden:
                continue
            name = bound.name
            if name.endswith("_kk") and name[:-3] + "_ru" in self.fields:
                rows.append((bound, self[name[:-3] + "_ru"]))
                done.add(name[:-3] + "_ru")
            else:
                rows.append((bound,))
        return rows
