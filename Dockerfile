# The portal's image: web (gunicorn), worker and beat run from it.
FROM python:3.11-slim-bookworm

# gettext: compilemessages; Pango and DejaVu: WeasyPrint's PDFs with every Kazakh letter; poppler-utils: pdfunite
# joins the parts of a long list of proposals (consultations/pdf.py).
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-dejavu-extra \
    poppler-utils \
 && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY qogam qogam
COPY common common
COPY councils councils
COPY publications publications
COPY consultations consultations
COPY proposals proposals
COPY workspace workspace
COPY portal portal
COPY demo demo
RUN pip install --no-cache-dir -c constraints.txt .
COPY . .
RUN DEBUG=1 python manage.py compilemessages --ignore=.venv -v0 \
 && DEBUG=1 python manage.py collectstatic --noinput -v0

RUN useradd --create-home qogam && mkdir -p /app/media && chown qogam /app/media
USER qogam
EXPOSE 8000
CMD ["gunicorn", "qogam.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
