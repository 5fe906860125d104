"""Rendering helpers. The project's select.html (templates/django/forms/widgets/) writes the
same HTML as Django's own, which includes a template per option; `ChoiceLabels` gives the labels
Django's get_<field>_display() gives."""

import re

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer


def _html(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & 乙"), ("b", "<b>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("华南", [("1", "深圳"), ("2", "广州")]), ("华东", [("3", "上海")])],
        widget=forms.Select(attrs={"class": "form-select", "data-x": "1"}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")])
    number = forms.TypedChoiceField(choices=[(1, "一"), (2, "二")], coerce=int)


def test_the_projects_select_template_is_the_one_used():
    template = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert template.origin.name == str(
        settings.BASE_DIR / "templates/django/forms/widgets/select.html"
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plain": "a", "grouped": "2", "many": ["1", "3"], "number": "2"},
        {"plain": "x", "grouped": "", "many": [], "number": ""},
    ],
)
def test_select_renders_what_djangos_own_template_renders(data):
    form = Sample(data or None)
    ours, theirs = get_default_renderer(), DjangoTemplates()

    for field in form:
        attrs = {"id": field.auto_id, **field.build_widget_attrs({})}
        rendered = [
            field.field.widget.render(field.html_name, field.value(), attrs, renderer=renderer)
            for renderer in (ours, theirs)
        ]
        assert _html(rendered[0]) == _html(rendered[1]), field.name
        if data.get(field.name) not in (None, "", []) and field.name not in form.errors:
            assert " selected" in rendered[0]


def test_choice_labels_match_djangos_and_follow_the_language():
    from django.db.models import Model
    from django.utils import translation

    from qudao.projects.models import Project

    project = Project(status=Project.Status.WON, health="no-such-health")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            ours = project.get_status_display()
            field = Project._meta.get_field("status")
            assert ours == Model._get_FIELD_display(project, field)
            assert ours == str(Project.Status.WON.label)
    with translation.override("zh-hans"):
        assert project.get_status_display() != "Won"
    # an unknown value is shown as it is, as Django does
    assert project.get_health_display() == "no-such-health"
