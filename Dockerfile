# syntax=docker/dockerfile:1
# Build stage: install the package and compile the translation catalogues.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
COPY locales ./locales
RUN pip install "babel>=2.15" \
 && pybabel compile -d locales -D messages \
 && pip install .

# Runtime stage: the virtualenv and the catalogues, run as an unprivileged user.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
# A CJK font so the digest chart can draw Chinese labels and rep names.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 fieldcrm
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
RUN mkdir -p /app/data && chown fieldcrm:fieldcrm /app/data
USER fieldcrm
VOLUME ["/app/data"]
# The webhook, /healthz, /readyz and /metrics (HTTP_PORT).
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=2)"
CMD ["fieldcrm", "run"]
