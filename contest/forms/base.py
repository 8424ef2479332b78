"""What every form of the platform shares: Bootstrap classes and domain errors shown on fields."""

from django import forms

from contest.errors import DomainError


class StyledFormMixin:
    """Give widgets Bootstrap classes, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: field messages beside fields, the rest on top."""
    placed = False
    for name, messages in error.fields.items():
        target = name if name in form.fields else None
        if target:
            widget = form.fields[target].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, message)
            placed = True
    specific = str(error.message) != str(type(error).default_message)
    if not placed or specific:
        form.add_error(None, error.message)
