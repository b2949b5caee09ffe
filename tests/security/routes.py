"""Every URL of the project, with its arguments filled from a `World`.

`concrete_urls` walks Django's resolver; a route it cannot fill makes it raise, so a new URL
with arguments fails the security suite until someone says which object it shows.
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.world import World


@dataclass(frozen=True)
class Route:
    pattern: str  # the route as Django spells it, e.g. "lessons/<int:pk>/edit/"
    name: str | None
    url: str  # a concrete path, e.g. "/lessons/12/edit/"


class UncoveredRoute(Exception):
    pass


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, pattern)
        elif isinstance(entry, URLPattern):
            yield pattern, entry.name


def _strip_regex(pattern: str) -> str:
    return pattern.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")


ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _object_for(pattern: str, world: World) -> int | str:
    """The object a route with one argument shows, chosen by the route's prefix."""
    rules = [
        ("zoom-accounts/api-tokens/", world.read_token.pk),
        ("zoom-accounts/", world.s2s.pk),
        ("lessons/", world.lesson.pk),
        ("people/", world.student.pk),
        ("recordings/files/", world.file.pk),
        ("recordings/destinations/", world.extra["destination"].pk),
        ("recordings/sources/", world.source.pk),
        ("recordings/runs/", world.run.pk),
        ("recordings/", world.recording.pk),
        ("attendance/sessions/", world.session.pk),
        ("attendance/students/", world.student.pk),
        ("notifications/mail/", world.extra["mail"].pk),
        ("notifications/lessons/", world.lesson.pk),
        ("notifications/people/", world.student.pk),
        ("calendar/", world.extra["feed_token"]),
        ("unsubscribe/", world.extra["unsubscribe_token"]),
        ("webhooks/zoom/", world.s2s.webhook_code),
        ("api/v1/credentials/", world.s2s.pk),
        ("api/v1/sources/", world.source.pk),
        ("api/v1/tasks/", world.run.pk),
        ("api/v1/meetings/", world.lesson.pk),
        ("api/v1/recordings/files/", world.file.pk),
        ("api/v1/recordings/", world.recording.pk),
    ]
    for prefix, value in rules:
        if pattern.startswith(prefix):
            return value
    raise UncoveredRoute(pattern)


def _fill(pattern: str, world: World) -> str:
    if pattern == "admin/r/<path:content_type_id>/<path:object_id>/":
        content_type = ContentType.objects.get_for_model(world.lesson)
        return f"admin/r/{content_type.pk}/{world.lesson.pk}/"
    admin_object = re.match(r"^admin/(?P<app>[^/]+)/(?P<model>[^/]+)/<path:object_id>/", pattern)
    if admin_object:
        model = apps.get_model(admin_object["app"], admin_object["model"])
        row = model._default_manager.order_by("pk").first()
        if row is None:
            raise UncoveredRoute(f"{pattern}: the world has no {model.__name__}")
        return pattern.replace("<path:object_id>", str(row.pk))
    if pattern == "admin/accounts/user/<id>/password/":
        return pattern.replace("<id>", str(world.staff.pk))
    if pattern.startswith("admin/^(?P<app_label>"):
        return "admin/meetings/"
    if pattern == "admin/(?P<url>.*)$":
        return "admin/no-such-page/"
    if pattern == "accounts/^confirm-email/(?P<key>[-:\\w]+)/$":
        return "accounts/confirm-email/not-a-key/"
    if pattern.startswith("accounts/^password/reset/key/"):
        return "accounts/password/reset/key/1-not-a-key/"
    if "(?P" in pattern:
        raise UncoveredRoute(pattern)
    arguments = ARGUMENT.findall(pattern)
    if not arguments:
        return _strip_regex(pattern)
    if len(arguments) > 1:
        raise UncoveredRoute(pattern)
    return ARGUMENT.sub(str(_object_for(pattern, world)), pattern)


def concrete_urls(world: World) -> list[Route]:
    routes = {}
    for pattern, name in _walk(get_resolver()):
        url = "/" + _fill(pattern, world)
        routes.setdefault(url, Route(pattern=pattern, name=name, url=url))
    return sorted(routes.values(), key=lambda route: route.url)


def api_operations(*, with_public: bool = False) -> list[tuple[str, str, str]]:
    """(method, path with {arguments}, operation name) of every /api/ operation that needs a
    token; with_public, also those that check something else (Zoom's redirect, its signature)."""
    from api.main import api, zoom_api

    operations = []
    for ninja_api, base in ((api, "/api/v1/"), (zoom_api, "/api/zoom/")):
        for prefix, router in ninja_api._routers:
            for path, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    if not operation.auth_callbacks and not with_public:
                        continue
                    for method in operation.methods:
                        full = (
                            base + (prefix.strip("/") + "/" if prefix.strip("/") else "") + path.lstrip("/")
                        )
                        operations.append((method, full, operation.view_func.__name__))
    return sorted(set(operations))


def api_operation_needs_write(name: str) -> bool:
    """Whether the operation called `name` refuses a read token (api.auth's WRITE)."""
    from api.main import api, zoom_api

    for ninja_api in (api, zoom_api):
        for _prefix, router in ninja_api._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    if operation.view_func.__name__ == name:
                        return any(getattr(auth, "write", False) for auth in operation.auth_callbacks)
    raise KeyError(name)
