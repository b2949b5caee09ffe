"""Zoom's error bodies, word for word where Zoom's answers are known."""

from sandbox.router import Response


def zoom_error(status: int, code: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response.json({"code": code, "message": message}, status=status, headers=headers)


def invalid_access_token() -> Response:
    return zoom_error(401, 124, "Invalid access token.")


def missing_scopes(scopes: list[str]) -> Response:
    # Seen in the wild as 400 {"code":4711,"message":"Invalid access token, does not contain
    # scopes:[user:read:list_users:admin]."} (e.g. JubaerHossain/zoom-laravel#15).
    return zoom_error(400, 4711, f"Invalid access token, does not contain scopes:[{', '.join(scopes)}].")


def bad_request(message: str, code: int = 300) -> Response:
    return zoom_error(400, code, message)


def user_not_found(user_id: str) -> Response:
    return zoom_error(404, 1001, f"User does not exist: {user_id}.")


def meeting_not_found(meeting_id) -> Response:
    return zoom_error(404, 3001, f"Meeting does not exist: {meeting_id}.")


def oauth_error(error: str, reason: str | None, status: int = 400) -> Response:
    body = {"reason": reason, "error": error} if reason else {"error": error}
    return Response.json(body, status=status)
