"""Widgets for the list pages' filter forms that write their HTML directly.

Django renders every widget, and every <option> of a select, through the form renderer's
templates; on a list page the filter form then cost more CPU than the 50 rows under it. These
write the same elements (name, id, value, attributes, selected option) with format_html.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class _QuickInputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>', widget["type"], name, shown, flatatt(widget["attrs"])
        )


class QuickTextInput(_QuickInputMixin, forms.TextInput):
    pass


class QuickNumberInput(_QuickInputMixin, forms.NumberInput):
    pass


class QuickDateInput(_QuickInputMixin, forms.DateInput):
    pass


class QuickSelect(forms.Select):
    """A single-choice <select> without optgroups (what the filter forms use)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((v, " selected" if str(v) in chosen else "", label) for v, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
