# The production image: gunicorn for the web, the same image for the Celery worker and beat.
# It installs exactly requirements/base.lock, the lock the virtualenv's dev.lock is built on.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    MUTUALSOCIETY_VAR_DIR=/app/var

WORKDIR /app

# The Chinese font that PDFs (the membership certificate) embed: reportlab embeds only
# TrueType outlines, which WenQuanYi Micro Hei has and Noto Sans CJK (CFF) has not.
# mutualsociety.common.fonts finds it; without it, PDFs would only name a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.lock requirements/base.lock
RUN pip install --no-deps -r requirements/base.lock

COPY . .

# Static files are collected at build time; the placeholders only satisfy the production
# settings' checks and are never used at run time.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=build \
    DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 10001 --home /app app \
    && mkdir -p /app/var/media /app/var/private/claim-documents \
    && chown -R app /app/var

USER app
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

CMD ["gunicorn", "mutualsociety.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--workers", "3", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
