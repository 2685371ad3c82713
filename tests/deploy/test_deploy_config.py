"""deploy/: the compose file, the nginx template, the Dockerfile and docs/deploy.md agree (ports,
service names, variables, header names), and nginx itself accepts the config (``nginx -t``)."""

from __future__ import annotations

import re
import subprocess
import tempfile

import pytest
import yaml

from dashboard import auth
from scenarios.business import store_sql
from tests.deploy.servers import DEPLOY, ROOT, nginx_binary, render_nginx

TEMPLATE = (DEPLOY / "nginx" / "venture-lab.conf.template").read_text()
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
DOCS = (ROOT / "docs" / "deploy.md").read_text()
SERVICES = COMPOSE["services"]
APP_PORT = "8501"


def _set_headers() -> dict[str, str]:
    """proxy_set_header NAME VALUE lines of the template."""
    return {m[0]: m[1].strip('"') for m in re.findall(r"proxy_set_header\s+(\S+)\s+(.+?);", TEMPLATE)}


def test_services_and_ports_agree():
    assert set(SERVICES) == {"proxy", "app1", "app2", "db"}
    proxy_env = SERVICES["proxy"]["environment"]
    [published] = SERVICES["proxy"]["ports"]
    host_addr, host_port, container_port = published.split(":")
    assert host_addr == "127.0.0.1"                       # published on loopback only
    assert proxy_env["VENTURE_LAB_LISTEN"] == container_port == host_port == "8080"
    assert not any("ports" in SERVICES[s] for s in ("app1", "app2", "db"))   # reached through the proxy
    replicas = sorted(v for k, v in proxy_env.items() if k.startswith("VENTURE_LAB_REPLICA_"))
    assert replicas == [f"app1:{APP_PORT}", f"app2:{APP_PORT}"]
    assert f"EXPOSE {APP_PORT}" in DOCKERFILE and f'"--server.port", "{APP_PORT}"' in DOCKERFILE
    assert "/_stcore/health" in DOCKERFILE and "location = /_stcore/health" in TEMPLATE
    url = SERVICES["app1"]["environment"]["VENTURE_LAB_STORE_URL"]
    db_env = SERVICES["db"]["environment"]
    assert url.startswith(f"postgresql+psycopg2://{db_env['POSTGRES_USER']}:")
    assert url.endswith(f"@db:5432/{db_env['POSTGRES_DB']}")


def test_every_template_variable_is_set_by_compose_and_the_defaults_are_loopback():
    proxy_env = SERVICES["proxy"]["environment"]
    names = render_nginx().template_names()
    assert names and set(names) <= set(proxy_env)
    assert render_nginx().DEFAULTS["VENTURE_LAB_LISTEN"].startswith("127.0.0.1:")
    template_path = "/etc/nginx/templates/venture-lab.conf.template"
    assert f"./nginx/venture-lab.conf.template:{template_path}:ro" in SERVICES["proxy"]["volumes"]
    assert f"./htpasswd:{proxy_env['VENTURE_LAB_HTPASSWD']}:ro" in SERVICES["proxy"]["volumes"]


def test_headers_agree_between_nginx_and_the_app():
    headers = _set_headers()
    for app in ("app1", "app2"):
        env = SERVICES[app]["environment"]
        assert headers[env[auth.USER_HEADER_ENV]] == "$remote_user"
        assert env[auth.PROXY_SECRET_ENV] == SERVICES["proxy"]["environment"]["VENTURE_LAB_PROXY_SECRET"]
        assert set(env) == {store_sql.STORE_URL_ENV, auth.USER_HEADER_ENV, auth.PROXY_SECRET_ENV,
                            store_sql.EDITORS_ENV}
    assert headers[auth.SECRET_HEADER] == "${VENTURE_LAB_PROXY_SECRET}"
    assert headers["Upgrade"] == "$http_upgrade" and "location /_stcore/stream" in TEMPLATE
    assert re.search(r"^\s*(hash \$remote_addr consistent|ip_hash);", TEMPLATE, re.MULTILINE)
    assert re.search(r"^\s*auth_basic_user_file \$\{VENTURE_LAB_HTPASSWD\};", TEMPLATE, re.MULTILINE)


def test_the_docs_name_what_the_files_use():
    names = set(render_nginx().template_names())
    for service in SERVICES.values():
        names |= {k for k in service.get("environment", {}) if k.startswith(("VENTURE_LAB_", "POSTGRES_"))}
    words = [*SERVICES, *names, "8080", APP_PORT, "/_stcore/health", "/_stcore/stream", auth.SECRET_HEADER,
             SERVICES["app1"]["environment"][auth.USER_HEADER_ENV], "hash $remote_addr consistent",
             "deploy/compose.yaml", "deploy/Dockerfile", "deploy/nginx/venture-lab.conf.template"]
    absent = [w for w in words if w not in DOCS]
    assert absent == []


def test_nginx_accepts_the_config():
    nginx = nginx_binary()
    with tempfile.TemporaryDirectory() as prefix:
        htpasswd = f"{prefix}/htpasswd"
        with open(htpasswd, "w") as fh:
            fh.write("alice:{PLAIN}not-a-real-password\n")
        conf = render_nginx().render_main({"VENTURE_LAB_PROXY_SECRET": "s3cret", "VENTURE_LAB_HTPASSWD": htpasswd},
                                          prefix)
        with open(f"{prefix}/nginx.conf", "w") as fh:
            fh.write(conf)
        done = subprocess.run([nginx, "-t", "-e", "stderr", "-p", prefix, "-c", f"{prefix}/nginx.conf"],
                              capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_a_missing_secret_is_refused_when_rendering():
    with pytest.raises(SystemExit, match="VENTURE_LAB_PROXY_SECRET"):
        render_nginx().render_server({})
