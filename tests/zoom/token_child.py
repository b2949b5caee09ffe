"""One worker process for test_token_processes: many calls of one S2S app against the sandbox.

Usage: python -m tests.zoom.token_child <api_url> <oauth_url> <account_id> <client_id> <client_secret> <calls>
Prints "ready", waits for a line on stdin (the start signal), makes its calls, prints "done".
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from zoomhub.zoom.client import ZoomClient  # noqa: E402
from zoomhub.zoom.tokens import ServerToServerTokens  # noqa: E402


def main():
    api_url, oauth_url, account_id, client_id, client_secret, calls = sys.argv[1:7]
    settings.ZOOM_API_BASE_URL = api_url
    settings.ZOOM_OAUTH_BASE_URL = oauth_url
    tokens = ServerToServerTokens(account_id=account_id, client_id=client_id, client_secret=client_secret)
    client = ZoomClient(tokens, plan="business")
    print("ready", flush=True)
    sys.stdin.readline()  # start together with the other processes
    for _ in range(int(calls)):
        client.get("/users/me")
    print("done", flush=True)


if __name__ == "__main__":
    main()
