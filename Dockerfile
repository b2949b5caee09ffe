FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# The lock pins every package, transitive ones included, with their hashes (`make lock`).
COPY requirements.lock .
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# The translation catalogues: .po → .mo in pure Python, so the image needs no GNU gettext.
RUN python scripts/translations.py compile
# collectstatic needs a key only to import settings; the real one comes from the environment.
# The compose file's `collectstatic` service refreshes the shared volume on every upgrade.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 zoomhub \
    && mkdir -p /app/media /app/var /app/staticfiles \
    && chown -R zoomhub:zoomhub /app/media /app/var /app/staticfiles

USER zoomhub
EXPOSE 8000
CMD ["gunicorn", "zoomhub.wsgi:application", "--config", "deploy/gunicorn.conf.py"]
