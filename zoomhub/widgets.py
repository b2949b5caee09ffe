"""Widgets and labels for the list pages' filter forms that write their HTML directly.

Django renders every widget, every <option> of a select and every <label> through the form
renderer's templates; on a list page the filter form then cost more CPU than the 50 rows under it.
These write the same elements (name, id, value, attributes, selected option, label) directly,
every value escaped as the templates escape it.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


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
        # One f-string per option (format_html's call per option was most of a select's cost).
        options = "".join(
            f'<option value="{conditional_escape(v)}"{" selected" if str(v) in chosen else ""}>'
            f"{conditional_escape(label)}</option>"
            for v, label in self.choices
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308  (every value and label escaped above)
        )


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """The options from one plain SELECT: ModelChoiceIterator reads them through .iterator(),
    which on PostgreSQL is a server-side cursor (DECLARE, FETCH and CLOSE: three round trips)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.options is not None:
            yield from self.field.options()
            return
        for obj in self.queryset:
            yield self.choice(obj)


class QuickModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for the filter forms' short lists (a few dozen options).

    `options`, when set, gives the (value, label) pairs to show from plain rows (e.g. through
    zoomhub.compiled.fixed_rows) instead of a model instance per option; it must list what the
    queryset holds, with the labels label_from_instance would give. Validation still reads the
    queryset."""

    iterator = _ListedChoiceIterator
    options = None


class QuickLabelBoundField(forms.BoundField):
    """`label_tag()` without the label template: the same <label for="…">Label:</label>."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if contents is not None or attrs is not None or label_suffix is not None or tag is not None:
            return super().label_tag(contents, attrs, label_suffix, tag)
        contents = self.label
        suffix = self.field.label_suffix if self.field.label_suffix is not None else self.form.label_suffix
        if suffix and contents and contents[-1] not in _(":?.!"):
            contents = format_html("{}{}", contents, suffix)
        id_ = self.field.widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        attrs = {}
        id_for_label = self.field.widget.id_for_label(id_)
        if id_for_label:
            attrs["for"] = id_for_label
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs["class"] = self.form.required_css_class
        return format_html("<label{}>{}</label>", flatatt(attrs), contents)


class QuickLabelsForm(forms.Form):
    """A filter form whose labels are written by QuickLabelBoundField."""

    bound_field_class = QuickLabelBoundField
