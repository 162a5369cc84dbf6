"""The deployment files (Dockerfile, deploy/) checked as far as they can be without a Docker daemon: Debian's nginx
tests deploy/nginx.conf with a certificate made here, compose.yaml is parsed and its settings are read as a
production process reads them, systemd checks the units, and the files agree with each other and with settings.py.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli import KEEP_ALIVE_SECONDS
from settings import PROJECT_DIR, Settings
from tests.topology import NGINX, self_signed

DEPLOY = PROJECT_DIR / "deploy"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
APPS = ("app1", "app2")
UNITS = ("clientpanel.service", "clientpanel-worker.service")


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def nginx_conf() -> str:
    """deploy/nginx.conf without its comments."""
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    return "\n".join(line.split("#", 1)[0].rstrip() for line in text.splitlines())


def directives(text: str, name: str) -> list[str]:
    """The arguments of every `name ...;` directive (enough for this configuration, whose values hold no `;`)."""
    return [match.strip() for match in re.findall(rf"(?m)^\s*{name}\s+([^;]*);", text)]


def block(text: str, opening: str, holding: str = "") -> str:
    """The text of the first block that starts with `opening {` and holds `holding` (braces balanced)."""
    for found in re.finditer(re.escape(opening) + r" \{", text):
        depth, end = 1, found.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        if holding in (body := text[found.end() : end - 1]):
            return body
    raise AssertionError(f"no block {opening!r} holding {holding!r}")


def nginx_test(config: str, directory: Path) -> subprocess.CompletedProcess[str]:
    path = directory / "nginx.conf"
    path.write_text(config, encoding="utf-8")
    assert NGINX is not None
    return subprocess.run(
        [NGINX, "-t", "-q", "-c", str(path), "-p", f"{directory}/", "-e", str(directory / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/install-test-tools installs Debian's)")
def test_nginx_accepts_the_example_site_with_a_real_certificate(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    config = (
        nginx_conf()
        .replace("/etc/nginx/tls/fullchain.pem", str(cert))
        .replace("/etc/nginx/tls/privkey.pem", str(key))
        .replace("/run/nginx.pid", str(tmp_path / "nginx.pid"))
    )
    assert "/etc/" not in config
    assert "/run/" not in config
    result = nginx_test(config, tmp_path)
    assert result.returncode == 0, result.stderr

    key.unlink()  # nginx -t really loads the key: without it the same file is refused
    assert nginx_test(config, tmp_path).returncode != 0


def test_nginx_proxies_to_both_apps_keeps_connections_and_upgrades_websockets() -> None:
    conf = nginx_conf()
    upstream = block(conf, "upstream clientpanel")
    services = compose()["services"]
    assert [server.split()[0] for server in directives(upstream, "server")] == [
        f"{services[app]['networks']['edge']['ipv4_address']}:8000" for app in APPS
    ]
    assert directives(upstream, "keepalive")
    # nginx lets go of an idle connection before a process would close it (no request sent on a closing one).
    [idle] = directives(upstream, "keepalive_timeout")
    assert int(idle.removesuffix("s")) < KEEP_ALIVE_SECONDS

    https = block(conf, "server", holding="listen 443 ssl;")
    assert directives(https, "proxy_http_version") == ["1.1"]
    headers = dict(header.split(None, 1) for header in directives(https, "proxy_set_header"))
    assert headers["Upgrade"] == "$http_upgrade"
    assert headers["Connection"] == "$connection_upgrade"  # '' unless upgrading: keepalive to the upstream
    assert "default upgrade;" in block(conf, "map $http_upgrade $connection_upgrade")
    # The proxy sets the client's address and scheme itself; what a client sent is not passed on.
    assert headers["X-Forwarded-For"] == "$remote_addr"
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["Forwarded"] == '""'
    # Locations set no headers of their own (nginx would then drop every header above for them).
    assert all("proxy_set_header" not in block(https, f"location {where}") for where in ("/", "= /graphql"))

    socket = block(https, "location = /graphql")
    assert directives(socket, "proxy_pass") == ["http://clientpanel"]
    assert directives(socket, "proxy_read_timeout") == ["1h"]
    assert directives(socket, "proxy_send_timeout") == ["1h"]
    assert directives(block(https, "location = /metrics"), "return") == ["404"]
    assert directives(block(conf, "server", holding="listen 80;"), "return")[0].startswith("301 https://")


def test_nginx_body_limit_is_max_body_bytes_and_its_refusal_is_the_panels() -> None:
    conf = nginx_conf()
    limit = Settings().max_body_bytes
    assert directives(conf, "client_max_body_size") == [str(limit)]
    refusal = directives(block(conf, "location @too_large"), "return")[0]
    status, body = refusal.split(None, 1)
    document = json.loads(body.strip("'"))
    assert status == "413"
    assert document["errors"][0]["extensions"] == {"code": "REQUEST_TOO_LARGE"}
    assert str(limit) in document["errors"][0]["message"]


def test_nginx_logs_no_query_strings() -> None:
    """The panel's links carry single-use tokens in their query strings."""
    conf = nginx_conf()
    log_format = " ".join(directives(conf, "log_format"))
    assert log_format.startswith("panel ")
    assert not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", log_format)
    assert directives(conf, "access_log") == ["/dev/stdout panel"]


def test_compose_runs_the_production_topology() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", *APPS, "worker", "nginx"}
    for name in (*APPS, "worker", "migrate"):
        env = services[name]["environment"]
        assert env["RUN_WORKERS"] == "false", name
        assert env["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in env["DATABASE_URL"]
        assert env["RATE_LIMIT_URL"] == "redis://redis:6379/0"
    for app in APPS:
        assert services[app]["command"][:3] == ["python", "cli.py", "serve"]
    assert services["worker"]["command"] == ["python", "cli.py", "worker"]
    assert services["migrate"]["command"] == ["python", "cli.py", "migrate"]


def test_compose_healthchecks() -> None:
    services = compose()["services"]
    for name in ("postgres", "redis", *APPS, "worker", "nginx"):
        check = services[name]["healthcheck"]
        assert check["test"][0] == "CMD", name
        assert not check.get("disable"), name
    for app in APPS:
        assert "http://127.0.0.1:8000/readyz" in " ".join(services[app]["healthcheck"]["test"])
    # The worker's own liveness: its heartbeats, in a file on its writable /tmp.
    assert services["worker"]["healthcheck"]["test"] == ["CMD", "python", "cli.py", "worker-health"]
    heartbeats = Path(services["worker"]["environment"]["WORKER_HEARTBEAT_FILE"])
    assert str(heartbeats.parent) in services["worker"]["tmpfs"]  # the one writable place of a read-only container
    # Traffic only once both apps are ready.
    assert services["nginx"]["depends_on"] == {app: {"condition": "service_healthy"} for app in APPS}


def test_compose_runs_the_migrations_once_before_any_process_starts() -> None:
    services = compose()["services"]
    assert services["migrate"]["restart"] == "no"
    for name in (*APPS, "worker"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_compose_publishes_only_the_proxy_and_keeps_the_staff_api_internal() -> None:
    spec = compose()
    services, networks = spec["services"], spec["networks"]
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    assert sorted(services["nginx"]["ports"]) == ["443:443", "80:80"]
    assert networks["internal"]["internal"] is True
    internal = ipaddress.ip_network(networks["internal"]["ipam"]["config"][0]["subnet"])
    for app in APPS:
        env = services[app]["environment"]
        host, _, port = env["STAFF_BIND"].rpartition(":")
        assert host == services[app]["networks"]["internal"]["ipv4_address"], app  # not 0.0.0.0, not on edge
        assert ipaddress.ip_address(host) in internal
        assert port not in [str(each) for each in services[app].get("expose", [])]
        assert env["STAFF_ALLOWED_NETWORKS"] == str(internal)
    for name in ("postgres", "redis"):
        assert services[name]["networks"] == ["internal"], name


def test_compose_apps_trust_forwarded_headers_from_the_proxy_only() -> None:
    services = compose()["services"]
    proxy = services["nginx"]["networks"]["edge"]["ipv4_address"]
    for app in APPS:
        assert services[app]["environment"]["FORWARDED_ALLOW_IPS"] == proxy, app
    assert "*" not in proxy


def test_compose_settings_start_a_production_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What compose.yaml and clientpanel.env.example set, with keys filled in, is a complete production setup."""
    example = dict(
        line.split("=", 1)
        for line in (DEPLOY / "clientpanel.env.example").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    )
    assert example["ENVIRONMENT"] == "production"
    fernet = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    filled = example | {
        "SECRET_KEYS": secrets.token_urlsafe(32),
        "ENCRYPTION_KEYS": f"2026-12:{fernet}",
        "BRANDING_FILE": str(PROJECT_DIR / "branding.demo.toml"),
    }
    for name in (*APPS, "worker"):
        environment = {
            key: value.replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env}", "secret")
            for key, value in compose()["services"][name]["environment"].items()
        }
        settings = Settings.from_env(filled | environment)
        assert settings.is_production
        assert not settings.run_workers
        assert settings.public_base_url.startswith("https://")
        if name in APPS:
            assert settings.staff_address == (environment["STAFF_BIND"].split(":")[0], 8001)
            assert settings.forwarded_allow_ips == (compose()["services"]["nginx"]["networks"]["edge"]["ipv4_address"],)
        else:
            assert settings.staff_address is None
            assert settings.worker_heartbeat_file == environment["WORKER_HEARTBEAT_FILE"]
    mounted = compose()["services"]["app1"]["volumes"]
    assert f"./branding.toml:{example['BRANDING_FILE']}:ro" in mounted


def dockerfile_stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), one list per stage."""
    text = (PROJECT_DIR / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    stages: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line.startswith("FROM "):
            stages.append([])
        stages[-1].append(line)
    return stages


def test_dockerfile_is_multi_stage_non_root_with_a_healthcheck() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    runtime = stages[-1]
    assert any(line.startswith("COPY --from=build /opt/venv") for line in runtime)
    users = [line.split()[1] for line in runtime if line.startswith("USER ")]
    assert users
    assert users[-1].split(":")[0] not in ("root", "0")
    # The code is copied before USER: root owns it, the process cannot change it.
    assert runtime.index(next(line for line in runtime if line.startswith("COPY . "))) < runtime.index(
        f"USER {users[-1]}"
    )
    healthcheck = " ".join(line for line in runtime if line.startswith("HEALTHCHECK "))
    assert "http://127.0.0.1:8000/readyz" in healthcheck
    command = json.loads(next(line for line in runtime if line.startswith("CMD ")).removeprefix("CMD "))
    assert command == ["python", "cli.py", "serve", "--host", "0.0.0.0", "--port", "8000"]  # noqa: S104  # in its container


def test_dockerfile_installs_the_locked_runtime_dependencies_only() -> None:
    build = " ".join(dockerfile_stages()[0])
    install = build[build.index("pip install") :]
    assert "-c requirements.lock" in install
    assert "-r runtime-requirements.txt" in install
    assert '["project"]["dependencies"]' in build  # not optional-dependencies: no test or check extras
    assert "--extra" not in build
    assert "pytest" not in build
    # Every runtime dependency is pinned by the lock, so the constraints hold each one to the tested version.
    pyproject = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    locked = dict(
        line.split("==", 1) for line in (PROJECT_DIR / "requirements.lock").read_text().splitlines() if "==" in line
    )
    for requirement in pyproject["project"]["dependencies"]:
        name, version = requirement.split("==")
        assert locked[re.sub(r"\[.*\]", "", name).lower()] == version, requirement


def test_dockerignore_leaves_out_secrets_environments_and_tests() -> None:
    ignored = (PROJECT_DIR / ".dockerignore").read_text(encoding="utf-8").splitlines()
    for entry in (".git", ".venv", "var", "tests", "test-tools", "*.env", ".env"):
        assert entry in ignored, entry
    for needed in ("migrations", "templates", "web", "branding.demo.toml", "schema"):
        assert needed not in ignored, needed


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit's settings, every value of keys given several times."""
    values: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            values.setdefault(key, []).append(value)
    return values


@pytest.mark.parametrize("name", UNITS)
def test_systemd_units_are_hardened(name: str) -> None:
    values = unit(name)
    assert values["User"] == ["clientpanel"]
    assert values["EnvironmentFile"] == ["/etc/clientpanel/clientpanel.env"]
    for key, expected in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
        "SystemCallFilter": "@system-service",
    }.items():
        assert values[key] == [expected], key
    assert int(values["TimeoutStopSec"][0]) >= 30  # a graceful drain before SIGKILL


def test_systemd_server_runs_without_workers_behind_a_local_proxy() -> None:
    server, worker = unit("clientpanel.service"), unit("clientpanel-worker.service")
    assert "RUN_WORKERS=false" in server["Environment"]
    assert "FORWARDED_ALLOW_IPS=127.0.0.1" in server["Environment"]
    assert server["ExecStart"][0].endswith("cli.py serve --host 127.0.0.1 --port 8000")
    assert worker["ExecStart"][0].endswith("cli.py worker")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("name", UNITS)
def test_systemd_accepts_every_option_of_the_units(name: str, tmp_path: Path) -> None:
    """systemd-analyze names any key it does not know ('Unknown key ..., ignoring')."""
    environment = tmp_path / "clientpanel.env"
    environment.write_text("ENVIRONMENT=production\n", encoding="utf-8")
    text = (
        (DEPLOY / name)
        .read_text(encoding="utf-8")
        .replace("/opt/clientpanel/.venv/bin/python", sys.executable)
        .replace("/etc/clientpanel/clientpanel.env", str(environment))
    )
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(tmp_path / name)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )
    assert result.returncode == 0
    assert result.stdout + result.stderr == ""
