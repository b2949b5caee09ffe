#!/bin/sh
# One backup of ZoomHub: the database (pg_dump custom format) and the local recording files.
# Reads the libpq variables (PGHOST, PGUSER, PGPASSWORD, PGDATABASE), BACKUP_DIR, MEDIA_DIR and
# BACKUP_KEEP_DAYS. Restoring: docs/operations.md "Backups".
set -eu

stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="${BACKUP_DIR:?BACKUP_DIR is not set}/$stamp"
mkdir -p "$target"

# Custom format: compressed, and pg_restore can restore into a database of another name.
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump"
pg_restore --list "$target/database.dump" >/dev/null  # the archive is readable, not truncated

if [ -n "${MEDIA_DIR:-}" ] && [ -d "$MEDIA_DIR" ]; then
  tar -C "$MEDIA_DIR" -czf "$target/media.tar.gz" .
fi

if [ -n "${BACKUP_KEEP_DAYS:-}" ]; then
  find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -mtime +"$BACKUP_KEEP_DAYS" -exec rm -rf {} +
fi
echo "backup written to $target"
