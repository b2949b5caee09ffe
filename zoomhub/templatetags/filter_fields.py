"""`{{ form.field|filter_field }}`: a list page's filter (label, input, and a short line saying
what it narrows the list to), written directly instead of through an included template per field.

The filters of the lesson and recording lists (QuickLabelsForm) come out the same on almost every
page: the same labels and options in the reader's language, nothing chosen. An empty filter's HTML
is kept per process under everything it is written from (the language, its options as text,
label, help text, attributes and id), and written again only when one of those differs; a filter
with a value or with errors is always written anew.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from zoomhub.widgets import QuickLabelsForm

register = template.Library()

_written: dict[tuple, SafeString] = {}
_KEPT = 1000  # a few filters, three languages, a handful of option lists; cleared past this


@register.filter
def filter_field(field) -> SafeString:
    key = _key(field)
    if key is None:
        return _write(field)
    html = _written.get(key)
    if html is None:
        if len(_written) >= _KEPT:
            _written.clear()
        html = _written[key] = _write(field)
    return html


def _write(field) -> SafeString:
    help_text = field.help_text
    helptext = (
        format_html('<small class="helptext" id="{}_helptext">{}</small>', field.auto_id, help_text)
        if help_text
        else ""
    )
    return format_html(
        '\n<p class="filter-field" id="filter-{}">{} {}{}</p>\n',
        field.name,
        field.label_tag(),
        field,
        helptext,
    )


def _key(field) -> tuple | None:
    form = field.form
    if not isinstance(form, QuickLabelsForm) or (form.is_bound and field.errors):
        return None
    value = field.value()
    if value not in (None, ""):
        return None  # only empty filters are kept: what people type does not fill the memory
    inner = field.field
    widget = inner.widget
    options = None
    if hasattr(widget, "choices") and hasattr(inner, "choices"):
        # Read the options once (a model field's are a query; iter(): list() would ask len(), a
        # COUNT query of its own), and the widget writes this same list.
        widget.choices = listed = list(iter(inner.choices))
        options = tuple((str(value), str(label)) for value, label in listed)
    return (
        type(form),
        field.name,
        get_language(),
        repr(value),
        options,
        str(field.label),
        str(field.help_text),
        field.auto_id,
        tuple(sorted((name, str(value)) for name, value in widget.attrs.items())),
        type(widget),
        inner.required,
        inner.disabled,
        form.use_required_attribute,
        form.label_suffix,
    )
