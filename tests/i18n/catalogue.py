"""ZoomHub's catalogues as the tests read them, and the words a page shows."""

import gettext
import re
from functools import lru_cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from zoomhub.translations import LANGUAGES, po_path

WORD = re.compile(r"[A-Za-z][A-Za-z']+")
# Identifiers, addresses and paths: no language's words, whatever letters they hold.
NOT_PROSE = re.compile(
    r"\S+@\S+|https?://\S+|(?<!\w)/\S+|\b[\w.+-]+[:_.][\w.:/+-]+\b|\b[A-Z][A-Za-z]*/[\w/+-]+|\b[A-Z0-9]{2,}\b"
)


@lru_cache
def catalogue(language: str):
    with po_path(language).open("rb") as handle:
        return read_po(handle)


def msgid_texts(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def msgstr_texts(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def words(text: str) -> set[str]:
    text = re.sub(r"%\([^)]*\)[sd]|\{\{[^}]*\}\}|<[^>]+>|&\w+;", " ", text)
    return {word.lower().strip("'") for word in WORD.findall(NOT_PROSE.sub(" ", text)) if len(word) >= 3}


@lru_cache
def english_only_words(language: str) -> frozenset[str]:
    """Words of ZoomHub's English texts that no translation into the language uses.

    Words the language borrows ("Zoom", "OAuth", "Server", "Token") appear in its translations,
    ZoomHub's or Django's ("Command" in the admin's "“Command” on a Mac"), and are allowed.
    """
    from django.utils.translation import trans_real

    english, translated = set(), set()
    for message in catalogue(language):
        if not message.id:
            continue
        for text in msgid_texts(message):
            english |= words(text)
    for _key, text in trans_real.translation(language)._catalog.items():
        translated |= words(text)
    return frozenset(english - translated)


def compiled(language: str) -> gettext.GNUTranslations:
    with po_path(language).with_suffix(".mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


class VisibleText(HTMLParser):
    """The text a reader sees: no scripts, styles, code or form values; optionally one element only."""

    SKIPPED = {"script", "style", "code", "pre", "textarea", "template"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self, only_id: str | None = None):
        super().__init__(convert_charrefs=True)
        self.only_id = only_id
        self.stack: list[tuple[str, bool, bool]] = []  # tag, skipped, inside the chosen element
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        skipped = tag in self.SKIPPED or bool(self.stack and self.stack[-1][1])
        inside = (
            (self.only_id is None)
            or dict(attrs).get("id") == self.only_id
            or bool(self.stack and self.stack[-1][2])
        )
        self.stack.append((tag, skipped, inside))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        skipped = bool(self.stack and self.stack[-1][1])
        inside = self.only_id is None or bool(self.stack and self.stack[-1][2])
        if inside and not skipped:
            self.parts.append(data)


def visible_text(html: str, *, only_id: str | None = None) -> str:
    parser = VisibleText(only_id)
    parser.feed(html)
    return " ".join(parser.parts)


__all__ = ["LANGUAGES", "catalogue", "compiled", "english_only_words", "visible_text", "words"]
