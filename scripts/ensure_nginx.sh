#!/usr/bin/env bash
# The deployment tests put the compose stack's nginx configuration in front of gunicorn
# (tests/deployment): they need Debian's nginx binary, never its system service.
set -euo pipefail
if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's nginx for the deployment tests…"
  # Keep apt from starting the system service on port 80: the tests run their own nginx.
  policy=/usr/sbin/policy-rc.d
  created=""
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1; fi
  apt-get update -qq && apt-get install -y -qq nginx >/dev/null
  if [ -n "$created" ]; then rm -f "$policy"; fi
else
  echo "error: nginx is missing; install the nginx package" >&2
  exit 1
fi
