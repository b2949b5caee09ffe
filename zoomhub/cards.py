"""The dashboard's cards: each app may offer some in `<app>/dashboard.py` as `cards() -> list[Card]`.

Each app's function runs a constant number of queries, so the dashboard stays fast whatever
the school's size.
"""

import importlib
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    url: str
    attention: bool = False  # shown highlighted: something needs a person


def collect_cards() -> list[Card]:
    cards: list[Card] = []
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.dashboard")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.dashboard":
                raise
            continue
        cards.extend(module.cards())
    return cards
