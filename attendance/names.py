# ruff: noqa: RUF001, RUF002, RUF003  (Cyrillic letters and typographic quotes are the point here)
"""Name skeletons: one canonical form so that the spellings of one name meet.

Zoom display names are free text typed on whatever device the student had at hand: "Иван Петров",
"Ivan Petrov", "petrov ivan", "Ivan Petrov (iPhone)", "Ivan’s iPad". The skeleton folds case,
accents, punctuation, spacing, word order, device suffixes and Cyrillic↔Latin transliteration
variants (й→y/i/j, ю→yu/iu/ju, я→ya/ia/ja, х→kh/h, ц→ts/c, щ→shch/sch, ё→e/yo, ь/ъ dropped) into
one lossy Latin form. Lossy on purpose: matching compares skeletons for equality and never
guesses between two people whose skeletons coincide (see matching.py).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch", "ш": "sh", "щ": "sh",
    "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    # Ukrainian and Belarusian letters students also type.
    "і": "i", "ї": "i", "є": "e", "ґ": "g", "ў": "u",
}  # fmt: skip
_CYRILLIC_TABLE = str.maketrans(_CYRILLIC)

# Latin spellings folded to the form the Cyrillic table produces. Order matters: "shch" before
# "ch", "kh" before the h-less form, y/j→i before the vowel pairs they start.
_LATIN_FOLDS = (
    ("x", "ks"),
    ("shch", "sh"),
    ("sch", "sh"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("y", "i"),
    ("j", "i"),
)
_REPEATS = re.compile(r"([^\W\d_])\1+")  # letters only: "nick199" is not "nick19"
# After y/j→i: "ie" is е after a vowel or soft sign (Vasiliev, Yelena), "io" is ё (Fyodor, Pyotr).
_VOWEL_PAIRS = re.compile(r"i[eo]")

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|\{[^}]*\}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_EDGE_PUNCTUATION = '.,;:!?"«»“”„-–—_/\\|*#~'
_NOT_WORD = re.compile(r"[\W_]+")

# Device names Zoom puts after the person's name, anywhere they appear as a word…
# fmt: off
_DEVICE_WORDS = frozenset({
    "iphone", "ipad", "ipod", "android", "galaxy", "samsung", "pixel", "huawei", "xiaomi", "redmi",
    "macbook", "imac", "айфон", "телефон", "смартфон", "планшет", "ноутбук",
})
# …and generic ones, only as the last words (they could be part of a real name elsewhere).
_TRAILING_DEVICE_WORDS = frozenset({
    "pc", "mac", "laptop", "phone", "tablet", "mobile", "desktop", "computer", "компьютер",
})
_MODEL_WORDS = frozenset({
    "pro", "max", "plus", "mini", "ultra", "air", "lite", "note", "se", "fe", "tab", "edge", "fold", "flip",
})
# fmt: on


def _is_model(token: str) -> bool:
    return token in _MODEL_WORDS or any(ch.isdigit() for ch in token)


def _drop_devices(tokens: list[str]) -> list[str]:
    kept: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in _DEVICE_WORDS:
            index += 1
            while index < len(tokens) and _is_model(tokens[index]):
                index += 1
            if kept and kept[-1].endswith("'s"):  # "Ivan's iPad"
                kept[-1] = kept[-1][:-2]
            continue
        kept.append(token)
        index += 1
    while kept and (kept[-1] in _TRAILING_DEVICE_WORDS or (len(kept) > 1 and _is_model(kept[-1]))):
        removed = kept.pop()
        if removed in _TRAILING_DEVICE_WORDS and kept and kept[-1].endswith("'s"):
            kept[-1] = kept[-1][:-2]
        if removed in _TRAILING_DEVICE_WORDS:
            break
    return kept


def _strip_accents(text: str) -> str:
    # Cyrillic is transliterated first: NFKD would split й into и + breve and lose the letter.
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _fold_token(token: str) -> str:
    token = _strip_accents(token.translate(_CYRILLIC_TABLE))
    for latin, canonical in _LATIN_FOLDS:
        token = token.replace(latin, canonical)
    token = _REPEATS.sub(r"\1", token)
    token = _VOWEL_PAIRS.sub("e", token)
    return _REPEATS.sub(r"\1", token)


def display_tokens(name: str) -> list[str]:
    """The words of a display name, lower-cased, without brackets, punctuation and device suffixes."""
    text = unicodedata.normalize("NFKC", name or "").casefold().translate(_APOSTROPHES)
    text = _BRACKETED.sub(" ", text)
    # Devices are recognised on whitespace words, so a model like "SM-G991B" goes as one word.
    words = [w.strip(_EDGE_PUNCTUATION) for w in text.split()]
    words = _drop_devices([w for w in words if w.strip("'")])
    # Apostrophes join (O'Neil, Ol'ga); other punctuation separates (Anna-Maria).
    return [t for w in words for t in _NOT_WORD.sub(" ", w.replace("'", "")).split()]


@lru_cache(maxsize=65536)
def name_skeleton(name: str) -> str:
    """The canonical form of a display name; "" when nothing usable is left (e.g. "iPhone")."""
    folded = (_fold_token(token) for token in display_tokens(name))
    tokens = sorted(t for t in folded if t)
    if not any(ch.isalpha() for t in tokens for ch in t):
        return ""  # a phone number or a bare device is not a name
    return " ".join(tokens)


def names_match(first: str, second: str) -> bool:
    """Whether two display names are spellings of the same name."""
    skeleton = name_skeleton(first)
    return bool(skeleton) and skeleton == name_skeleton(second)
