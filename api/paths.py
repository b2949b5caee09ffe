"""Every path under /api/ and /webhooks/ answers the same with and without its trailing slash.

Django's APPEND_SLASH answers a missing slash with a 301 (which makes clients drop a POST body)
and, under DEBUG, with a RuntimeError page for POST. Programs written for other servers spell
paths both ways (`/api/v1/credentials/` and `/api/v1/sources` in the same guide), so a path that
does not resolve is tried with the slash toggled before Django's URL resolution runs, and the
request goes to that view directly: no redirect, the body kept.
"""

from django.urls import Resolver404, get_urlconf, resolve

PREFIXES = ("/api/", "/webhooks/")


def is_api_or_webhooks(path: str) -> bool:
    return path.startswith(PREFIXES) or path in ("/api", "/webhooks")


def _resolves(path: str, urlconf) -> bool:
    try:
        resolve(path, urlconf)
    except Resolver404:
        return False
    return True


def slash_toggled(path: str) -> str:
    return path[:-1] if path.endswith("/") else path + "/"


class TrailingSlashMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if is_api_or_webhooks(path) and path not in PREFIXES:
            urlconf = getattr(request, "urlconf", None) or get_urlconf()
            if not _resolves(path, urlconf):
                other = slash_toggled(path)
                if _resolves(other, urlconf):
                    script_prefix = request.path[: len(request.path) - len(path)]
                    request.path_info = other
                    request.path = script_prefix + other
        return self.get_response(request)
