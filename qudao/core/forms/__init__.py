"""Forms of the core app, one module per feature; `StyledForm`, which every app's forms
use, is here."""

from django import forms


class StyledForm:
    """Gives every widget its Bootstrap class, so templates render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if (
                isinstance(widget, forms.TextInput)
                and field.label
                and "placeholder" not in widget.attrs
            ):
                widget.attrs["placeholder"] = field.label
