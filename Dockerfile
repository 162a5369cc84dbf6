# syntax=docker/dockerfile:1
# The panel's image: `cli.py serve` by default; the same image runs `cli.py migrate` and `cli.py worker`
# (deploy/compose.yaml). Build from the project's root: docker build -t clientpanel .

# Build stage: a virtual environment with the runtime dependencies only, at the versions requirements.lock pins.
# The lock also pins the test and check extras; pyproject.toml's [project].dependencies says which packages run
# the panel, and `-c requirements.lock` holds each of them and their dependencies to the locked version.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /build
COPY pyproject.toml requirements.lock ./
RUN python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' \
        > runtime-requirements.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install -c requirements.lock -r runtime-requirements.txt

# Runtime stage: the virtual environment and the code, owned by root and read-only to the user that runs them.
FROM python:3.11-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    ENVIRONMENT=production
RUN groupadd --system --gid 10001 clientpanel \
    && useradd --system --uid 10001 --gid clientpanel --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin clientpanel
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
RUN python -m compileall -q /app /opt/venv
USER clientpanel:clientpanel
EXPOSE 8000
# Ready = this process can serve requests (/readyz); the worker's container replaces this check (compose.yaml).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
# Forwarded headers are believed only from FORWARDED_ALLOW_IPS (the proxy's address; unset: from nobody).
CMD ["python", "cli.py", "serve", "--host", "0.0.0.0", "--port", "8000"]
