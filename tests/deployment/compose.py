"""docker-compose.yml as the tests read it: services, their order, and their commands."""

from __future__ import annotations

import graphlib
from functools import cache

import yaml
from django.conf import settings

COMPOSE_FILE = settings.BASE_DIR / "docker-compose.yml"
ONE_SHOT = "service_completed_successfully"


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def services() -> dict[str, dict]:
    return compose()["services"]


def dependencies(name: str) -> dict[str, str]:
    """{service it waits for: condition}."""
    depends = services()[name].get("depends_on") or {}
    if isinstance(depends, list):
        return {other: "service_started" for other in depends}
    return {other: spec.get("condition", "service_started") for other, spec in depends.items()}


def start_order(names: list[str] | None = None) -> list[str]:
    """A start order that respects every depends_on (what `docker compose up` follows)."""
    wanted = set(names or services())
    graph = {name: set(dependencies(name)) & wanted for name in wanted}
    return list(graphlib.TopologicalSorter(graph).static_order())


def is_one_shot(name: str) -> bool:
    return services()[name].get("restart") == "no"


def default_services() -> list[str]:
    """Services `docker compose up` starts (not those behind a profile)."""
    return [name for name, spec in services().items() if not spec.get("profiles")]
