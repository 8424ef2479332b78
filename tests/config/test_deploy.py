"""The deployment files: gunicorn's configuration loads, nginx accepts the site, and the files
agree with each other and with the example environment file."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ROOT, child_env, manage

DEPLOY = ROOT / "deploy"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x7-" + "k9Q2vLz8pR4mW1nT6yB3cJ5hF0dS" * 3,
    "ALLOWED_HOSTS": "weike.example.org",
}


def _example_env() -> dict[str, str]:
    lines = (DEPLOY / "microvideo.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _production(code: str, **env: str) -> str:
    result = subprocess.run(
        manage("shell", "-c", code),
        env=child_env(**PRODUCTION, **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_gunicorn_configuration_loads_and_takes_its_sizes_from_the_environment():
    gunicorn = Path(shutil.which("gunicorn", path=str(Path(manage()[0]).parent)) or "gunicorn")
    env = child_env(**PRODUCTION, GUNICORN_WORKERS="3", GUNICORN_THREADS="8")
    config = ["-c", str(DEPLOY / "gunicorn.conf.py")]
    check = subprocess.run(
        [gunicorn, "--check-config", *config], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    printed = subprocess.run(
        [gunicorn, "--print-config", *config], env=env, cwd=ROOT, capture_output=True, text=True
    ).stdout
    values = dict(re.findall(r"^(\w+)\s+= (.*)$", printed, re.MULTILINE))
    assert (values["workers"], values["threads"], values["worker_class"]) == ("3", "8", "gthread")
    assert values["max_requests_jitter"] != "0" and values["accesslog"] == "-"


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_nginx_accepts_the_site_with_this_machine_s_paths(tmp_path):
    key, cert = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
         "/CN=weike.example.org", "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "microvideo.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/weike.example.org/", f"{tmp_path}/")
    site = site.replace("/srv/microvideo/", f"{tmp_path}/").replace("/var/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "log" / "nginx").mkdir(parents=True)
    # Every path nginx -t creates or opens lies in tmp_path: the machine's nginx is untouched.
    temp = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ {temp} include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_the_deployment_files_agree_with_the_example_settings():
    env = _example_env()
    site = (DEPLOY / "nginx" / "microvideo.conf").read_text()
    assert f"alias {env['STATIC_ROOT']}/;" in site
    private = re.search(r"location (\S+) \{\s*internal;\s*alias (\S+);", site)
    assert private.groups() == (
        env["PRIVATE_MEDIA_ACCEL_PREFIX"] + "/",
        env["PRIVATE_MEDIA_ROOT"] + "/",
    )
    assert f"server {env['GUNICORN_BIND']} " in site
    for unit in ("microvideo-web.service", "microvideo-worker@.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        assert f"ReadWritePaths={env['PRIVATE_MEDIA_ROOT']}" in text
        assert "EnvironmentFile=/etc/microvideo/microvideo.env" in text
    worker = (DEPLOY / "systemd" / "microvideo-worker@.service").read_text()
    assert "manage.py run_worker --queue %i" in worker
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_production_shares_cache_and_sessions_through_redis_in_another_database():
    code = "from django.conf import settings as s; print(s.CACHES['default'], s.SESSION_ENGINE)"
    plain = _production(code)
    assert "LocMemCache" in plain and plain.endswith("sessions.backends.db")
    shared = _production(code, REDIS_URL="redis://10.0.0.3:6379/0")
    assert "RedisCache" in shared and "'redis://10.0.0.3:6379/1'" in shared
    assert shared.endswith("sessions.backends.cached_db")
    chosen = _production(
        code, REDIS_URL="redis://10.0.0.3:6379/0", CACHE_URL="redis://10.0.0.4:6379/5"
    )
    assert "'redis://10.0.0.4:6379/5'" in chosen


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_accepts_the_units_with_this_checkout_s_paths(tmp_path):
    for unit in ("microvideo-web.service", "microvideo-worker@.service"):
        text = (DEPLOY / "systemd" / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/srv/microvideo/app", str(ROOT)))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no",
         tmp_path / "microvideo-web.service", tmp_path / "microvideo-worker@video.service"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_nginx_drops_idle_upstream_connections_before_gunicorn_does():
    """Otherwise nginx may reuse a connection gunicorn has just closed and answer 502."""
    site = (DEPLOY / "nginx" / "microvideo.conf").read_text()
    upstream = site[site.index("upstream microvideo_web") :].split("}", 1)[0]
    nginx_idle = int(re.search(r"keepalive_timeout (\d+)s;", upstream).group(1))
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    gunicorn_idle = int(re.search(r'_int\("GUNICORN_KEEPALIVE", (\d+)\)', gunicorn).group(1))
    assert nginx_idle < gunicorn_idle
