#!/usr/bin/env bash
# Extracting strings (makemessages, run by the translation check in `make test`) needs GNU
# gettext's xgettext and msgmerge. Compiling does not: scripts/translations.py compile is pure Python.
set -euo pipefail
command -v xgettext >/dev/null && command -v msgmerge >/dev/null && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's gettext for the translation check…"
  apt-get update -qq && apt-get install -y -qq gettext >/dev/null
else
  echo "error: GNU gettext (xgettext, msgmerge) is missing; install the gettext package" >&2
  exit 1
fi
