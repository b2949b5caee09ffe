"""The dashboard's cards and sections: each app registers its own in `AppConfig.ready()`.

A card provider is `cards() -> list[Card]`; a card with `attention=True` is something a person
has to do, and is listed under "Needs a person" with a link to where it is fixed. A section
(`DashboardSection`) is a block of its own — today's lessons, a chart — rendered from the app's
template with what its `load()` returns. Every provider and `load` runs a constant number of
queries, so the dashboard stays fast whatever the school's size. Cards are shown in the order
they were registered (the order of INSTALLED_APPS), sections by their `order`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    url: str
    attention: bool = False  # listed under "Needs a person"
    detail: str = ""  # one plain sentence: what is wrong, or what to do


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


@dataclass(frozen=True)
class DashboardSection:
    key: str  # the section's HTML id is "dashboard-<key>"
    title: str  # a lazy translation
    template: str  # rendered with `section` (a RenderedSection) in its context
    load: Callable[[], object]
    app_label: str
    order: int = 100
    hide_when_empty: bool = False  # a warning list: shown only while it has something in it


@dataclass(frozen=True)
class RenderedSection:
    key: str
    title: str
    template: str
    data: object


class SectionRegistry:
    def __init__(self) -> None:
        self.sections: dict[str, DashboardSection] = {}

    def register(self, section: DashboardSection) -> None:
        self.sections[section.key] = section

    def render(self) -> list[RenderedSection]:
        ordered = sorted(self.sections.values(), key=lambda section: (section.order, section.key))
        rendered = []
        for section in ordered:
            data = section.load()
            if section.hide_when_empty and not data:
                continue
            rendered.append(RenderedSection(section.key, section.title, section.template, data))
        return rendered


dashboard_sections = SectionRegistry()
