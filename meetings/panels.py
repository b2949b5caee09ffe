"""Panels on the lesson page and the person page that other apps contribute.

The lesson page belongs to `meetings`, which knows none of the apps that add to it. An app
registers a LessonPanel in its `AppConfig.ready()`; the page view calls each panel's `load`
once and renders its template with the result as `panel.data`. `load` does its own queries,
a constant number of them (prefetching related rows), so the page's query count does not
grow with the rows a panel shows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from meetings.models import Meeting, Person


@dataclass(frozen=True)
class LessonPanel:
    key: str  # the section's HTML id is "lesson-<key>"
    title: str  # a lazy translation
    template: str  # rendered with `lesson` and `panel` (a RenderedPanel) in its context
    load: Callable[[Meeting], Any]
    app_label: str
    order: int = 100  # lower comes first


@dataclass(frozen=True)
class PersonPanel:
    key: str  # the section's HTML id is "person-<key>"
    title: str  # a lazy translation
    template: str  # rendered with `person` and `panel` (a RenderedPanel) in its context
    load: Callable[[Person], Any]
    app_label: str
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    template: str
    data: Any


class PanelRegistry:
    def __init__(self, subject: str = "Lesson") -> None:
        self.subject = subject
        self.panels: dict[str, LessonPanel | PersonPanel] = {}

    def register(self, panel: LessonPanel | PersonPanel) -> None:
        existing = self.panels.get(panel.key)
        if existing is not None and existing != panel:
            raise ImproperlyConfigured(
                f"{self.subject} panel {panel.key!r} is registered by {existing.app_label!r} and {panel.app_label!r}."
            )
        self.panels[panel.key] = panel

    def render_for(self, subject: Meeting | Person) -> list[RenderedPanel]:
        ordered = sorted(self.panels.values(), key=lambda panel: (panel.order, panel.key))
        return [
            RenderedPanel(key=panel.key, title=panel.title, template=panel.template, data=panel.load(subject))
            for panel in ordered
        ]


lesson_panels = PanelRegistry("Lesson")
person_panels = PanelRegistry("Person")
