"""Rendering helpers. The form renderer writes <input> and <select> in Python
(qudao/core/rendering.py): the same HTML, byte for byte, as Django's own widget templates;
`ChoiceLabels` gives the labels Django's get_<field>_display() gives."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from qudao.core import rendering
from qudao.core.models import Region


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲 & 乙"), ("b", "<b>")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("华南", [("1", "深圳"), ("2", "广州")]), ("华东", [("3", "上海")])],
        widget=forms.Select(attrs={"class": "form-select", "data-x": "1"}),
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")])
    number = forms.TypedChoiceField(choices=[(1, "一"), (2, "二")], coerce=int)
    lazy = forms.ChoiceField(
        choices=[("won", gettext_lazy("Won")), ("lost", gettext_lazy("Lost"))], required=False
    )
    safe = forms.ChoiceField(choices=[(mark_safe("<i>"), mark_safe("<i>斜</i>"))], required=False)
    text = forms.CharField(
        widget=forms.TextInput(attrs={"placeholder": '名称 "全称"', "autofocus": True})
    )
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "hidden": False}))
    amount = forms.DecimalField(widget=forms.NumberInput(attrs={"step": "0.01", "min": 0}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    mail = forms.EmailField()
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    flag = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput)
    notes = forms.CharField(widget=forms.Textarea)  # not written by Python: the engine's


CASES = [
    {},
    {
        "plain": "a",
        "grouped": "2",
        "many": ["1", "3"],
        "number": "2",
        "lazy": "lost",
        "safe": "<i>",
        "text": "<script>&amp;",
        "search": "深圳 科技",
        "amount": "12.50",
        "day": "2026-11-23",
        "when": "2026-11-23 08:30",
        "mail": "a@b.cn",
        "secret": 'p"w',
        "flag": "on",
        "hidden": "1",
        "notes": "line\nline",
    },
    {"plain": "x", "grouped": "", "many": [], "number": "", "amount": "x", "day": "bad"},
]


def _both(form: forms.Form) -> list[tuple[str, str, str]]:
    """(field, ours, Django's) for every field of a form."""
    theirs = DjangoTemplates()
    rendered = []
    for field in form:
        attrs = {"id": field.auto_id, **field.build_widget_attrs({})}
        ours = field.field.widget.render(field.html_name, field.value(), attrs)
        django = field.field.widget.render(field.html_name, field.value(), attrs, theirs)
        rendered.append((field.name, ours, django))
    return rendered


@pytest.mark.parametrize("data", CASES)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_widgets_render_exactly_what_djangos_templates_render(data, language):
    with translation.override(language):
        form = Sample(
            data or None, initial={"day": datetime.date(2026, 1, 2), "amount": Decimal(5)}
        )
        for name, ours, django in _both(form):
            assert ours == django, name
            if data.get(name) not in (None, "", []) and name not in form.errors:
                assert " selected" in ours or "value=" in ours or name in ("flag", "notes")


def test_the_python_writers_are_the_ones_used(monkeypatch):
    """If the writers were not used, the broken engine below would fail the render."""
    calls = []
    engine_render = rendering.TemplatesSetting.render
    monkeypatch.setattr(
        rendering.TemplatesSetting,
        "render",
        lambda self, name, *args, **kwargs: (
            calls.append(name) or engine_render(self, name, *args, **kwargs)
        ),
    )
    form = Sample({"plain": "a", "notes": "x"})
    html = str(form["plain"]) + str(form["text"]) + str(form["day"]) + str(form["notes"])
    assert 'value="a" selected' in html
    assert calls == ["django/forms/widgets/textarea.html"]


def test_a_widget_with_its_own_option_template_goes_through_the_engine():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Fancy(choices=[("a", "甲")])
    html = widget.render("x", "a", renderer=get_default_renderer())
    assert html == widget.render("x", "a", renderer=DjangoTemplates())
    assert "<option" not in html


@pytest.mark.django_db
def test_a_model_choice_select_renders_as_djangos():
    Region.objects.create(code="R-T1", name="华南 <大区>", kind=Region.Kind.REGION)

    class Pick(forms.Form):
        region = forms.ModelChoiceField(Region.objects.order_by("code"), empty_label="全部")

    region = Region.objects.get(code="R-T1")
    for form in (Pick(), Pick({"region": region.pk})):
        for name, ours, django in _both(form):
            assert ours == django, name
    assert "华南 &lt;大区&gt;" in ours


def test_choice_labels_match_djangos_and_follow_the_language():
    from django.db.models import Model

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
