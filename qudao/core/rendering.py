"""The form renderer: Django's widget templates, <input> and <select> written by Python.

Every list's filter bar renders many inputs and options, and rendering each through the template
engine is a noticeable part of the list's request (bench/PROJECTS.md). The writers below give the
same HTML byte for byte (core/tests/test_rendering.py compares them with Django's templates for
every input type and choice shape); any other template, and any widget that names a template of
its own, goes through the template engine.
"""

from types import SimpleNamespace

from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )
)
SELECT_TEMPLATE = f"{_WIDGETS}select.html"
OPTION_TEMPLATE = f"{_WIDGETS}select_option.html"

# What a template's {{ value }} does with a value, outside any request: Context()'s defaults.
_CONTEXT = SimpleNamespace(autoescape=True, use_l10n=None, use_tz=None)


def _value(value) -> str:
    """{{ value }}"""
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """{{ value|stringformat:'s' }}"""
    text = str(value)  # what "%s" % value gives, a tuple included
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_value(name)}" if value is True else f' {_value(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html"""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"'
        f"{value}{_attrs(widget['attrs'])}>"
    )


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html"""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_value(option['label'])}</option>"
    )


def _select(widget: dict) -> str | None:
    """django/forms/widgets/select.html, or None when an option has a template of its own."""
    parts = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class FormRenderer(TemplatesSetting):
    """TemplatesSetting (widget templates can be overridden in templates/), with <input> and
    <select> written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        html = None
        if widget is not None and widget.get("template_name") == template_name:
            if template_name in INPUT_TEMPLATES:
                html = _input(widget)
            elif template_name == SELECT_TEMPLATE:
                html = _select(widget)
        if html is None:
            return super().render(template_name, context, request)
        return mark_safe(html)
