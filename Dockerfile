FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The translation catalogues: .po → .mo in pure Python, so the image needs no GNU gettext.
RUN python scripts/translations.py compile
# collectstatic needs a key only to import settings; the real one comes from the environment.
RUN DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 zoomhub \
    && mkdir -p /app/media /app/var \
    && chown -R zoomhub:zoomhub /app/media /app/var

USER zoomhub
EXPOSE 8000
CMD ["gunicorn", "zoomhub.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
