"""What the registration forms share: the text box of notes, reasons and comments."""

from django import forms


def text_box(label, max_length: int, rows: int = 2, required: bool = False, **kwargs):
    """A multi-line text field of at most `max_length` characters, `rows` lines high."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )
