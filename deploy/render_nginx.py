"""Write a complete nginx.conf from deploy/nginx/venture-lab.conf.template, for running nginx
without Docker (and for the tests, which check it with ``nginx -t`` and run it on loopback).

    VENTURE_LAB_PROXY_SECRET=... python deploy/render_nginx.py --out /etc/nginx/nginx.conf

Only ``${VENTURE_LAB_*}`` names are substituted (as the official image's envsubst step does with
the container's environment); nginx's own ``$variables`` are left alone. The defaults below are
the loopback ones; the secret has none.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "venture-lab.conf.template"
DEFAULTS = {"VENTURE_LAB_LISTEN": "127.0.0.1:8080", "VENTURE_LAB_REPLICA_1": "127.0.0.1:8501",
            "VENTURE_LAB_REPLICA_2": "127.0.0.1:8502", "VENTURE_LAB_HTPASSWD": "/etc/nginx/htpasswd"}
_NAME = re.compile(r"\$\{(VENTURE_LAB_[A-Z0-9_]+)\}")
# The frame the official image's /etc/nginx/nginx.conf gives the template (events, http, logs).
MAIN = """worker_processes auto;
{user}pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{server}
}}
"""


def template_names(text: str | None = None) -> list[str]:
    """The ``${VENTURE_LAB_*}`` variables the template uses."""
    return sorted(set(_NAME.findall(TEMPLATE.read_text() if text is None else text)))


def render_server(values: dict[str, str]) -> str:
    """The template with every variable substituted; a variable without a value is an error."""
    values = {**DEFAULTS, **values}
    missing = [n for n in template_names() if not values.get(n)]
    if missing:
        raise SystemExit(f"render_nginx: set {', '.join(missing)}")
    return _NAME.sub(lambda m: values[m.group(1)], TEMPLATE.read_text())


def render_main(values: dict[str, str], prefix: str, user: str | None = None) -> str:
    """A complete nginx.conf: the rendered template inside an ``http`` block whose logs, pid and
    temp files live under ``prefix`` (so it runs without touching /var)."""
    server = "\n".join("    " + line if line else line for line in render_server(values).splitlines())
    return MAIN.format(prefix=prefix, server=server, user=f"user {user};\n" if user else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="the nginx.conf to write")
    parser.add_argument("--prefix", default="/var/lib/venture-lab-nginx", help="folder for pid, logs, temp files")
    args = parser.parse_args(argv)
    values = {k: v for k, v in os.environ.items() if k.startswith("VENTURE_LAB_")}
    Path(args.out).write_text(render_main(values, args.prefix))
    print(f"wrote {args.out}; check it with: nginx -t -c {Path(args.out).resolve()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
