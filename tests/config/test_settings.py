"""Configuration: production passes Django's deployment checks; defaults are safe."""

import subprocess

import pytest
from django.conf import settings

from tests.helpers import ROOT, child_env, manage

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x7-" + "k9Q2vLz8pR4mW1nT6yB3cJ5hF0dS" * 3,
    "ALLOWED_HOSTS": "weike.example.org",
}


def test_production_settings_pass_check_deploy():
    env = child_env(**PRODUCTION)
    env.pop("DEBUG", None)
    result = subprocess.run(
        manage("check", "--deploy", "--fail-level", "WARNING"),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = child_env(**{**PRODUCTION, "SECRET_KEY": ""})
    result = subprocess.run(
        manage("check"), env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_set():
    env = child_env()
    env.pop("DEBUG", None)
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        manage("shell", "-c", code),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_development_secret_key_is_generated_not_constant():
    key_file = ROOT / "var" / "secret_key"
    assert key_file.exists()
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert len(settings.SECRET_KEY) >= 50
    assert settings.SECRET_KEY not in (ROOT / "config" / "settings" / "base.py").read_text()


def test_chinese_first_and_china_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_immediate_transactions():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
