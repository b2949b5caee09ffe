"""The dashboard's cards: each app registers a provider in its `AppConfig.ready()`.

A provider is `cards() -> list[Card]` and runs a constant number of queries, so the dashboard
stays fast whatever the school's size. Providers are shown in the order they were registered
(the order of INSTALLED_APPS).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    url: str
    attention: bool = False  # shown highlighted: something needs a person


CardProvider = Callable[[], list[Card]]


@dataclass(frozen=True)
class Registration:
    app_label: str
    provider: CardProvider


class CardRegistry:
    def __init__(self) -> None:
        self.registrations: list[Registration] = []

    def register(self, provider: CardProvider, *, app_label: str) -> None:
        registration = Registration(app_label=app_label, provider=provider)
        if registration not in self.registrations:  # ready() may run twice in some test set-ups
            self.registrations.append(registration)

    def collect(self) -> list[Card]:
        cards: list[Card] = []
        for registration in self.registrations:
            cards.extend(registration.provider())
        return cards


dashboard_cards = CardRegistry()


def collect_cards() -> list[Card]:
    return dashboard_cards.collect()
