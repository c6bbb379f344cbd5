"""Missing or malformed settings: one line that says what to set, never a traceback, and only where needed."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app
from portal.config import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_ERROR = "error: PORTAL_SECRET_KEY is not set: set it to a long random string"


@pytest.fixture
def environment(tmp_path):
    """The environment of a fresh production shell: no secret key, no debug, an empty instance folder."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PORTAL_", "FLASK_")) and name != "DATABASE_URL"}
    env["PORTAL_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def run(environment, *args):
    return subprocess.run([sys.executable, "-m", *args], cwd=PROJECT_ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_help_and_commands_that_need_no_secret_key_run_without_it(environment):
    listed = run(environment, "flask", "--app", "app", "--help")
    assert listed.returncode == 0, listed.stderr
    assert "create-admin" in listed.stdout and "import-json" in listed.stdout
    assert listed.stderr == ""

    upgraded = run(environment, "flask", "--app", "app", "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Traceback" not in upgraded.stderr
    assert (Path(environment["PORTAL_INSTANCE_PATH"]) / "portal.sqlite3").exists()


def test_the_web_server_without_a_secret_key_stops_with_one_line(environment):
    served = run(environment, "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "portal.wsgi:app")
    assert served.returncode != 0
    assert "Traceback" not in served.stderr
    errors = [line for line in served.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(SECRET_ERROR), served.stderr


def test_a_malformed_setting_stops_every_command_with_one_line(environment):
    environment["PORTAL_PROXY_HOPS"] = "two"
    listed = run(environment, "flask", "--app", "app", "--help")
    assert listed.returncode != 0
    assert listed.stderr == "error: PORTAL_PROXY_HOPS must be a whole number, not 'two'.\n"


def test_an_app_built_without_a_secret_key_refuses_every_request(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    app = create_app({"INSTANCE_PATH": str(tmp_path)}, require_settings=False)
    response = app.test_client().get("/login")
    assert response.status_code == 500
    assert "not configured" in response.get_data(as_text=True)
    assert "PORTAL_SECRET_KEY" not in response.get_data(as_text=True)


def test_the_web_server_without_a_bid_key_stops_with_one_line(environment):
    environment.update(PORTAL_SECRET_KEY="a" * 64, PORTAL_BASE_URL="https://cocity.example.org")
    served = run(environment, "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1", "portal.wsgi:app")
    assert served.returncode != 0 and "Traceback" not in served.stderr
    errors = [line for line in served.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: PORTAL_BID_KEY is not set"), served.stderr


def test_a_malformed_bid_key_stops_every_command_without_repeating_it(environment):
    environment["PORTAL_BID_KEY"] = "secret-but-short"
    listed = run(environment, "flask", "--app", "app", "--help")
    assert listed.returncode != 0
    assert listed.stderr.startswith("error: PORTAL_BID_KEY must be 32 bytes written in base64")
    assert "secret-but-short" not in listed.stderr and len(listed.stderr.splitlines()) == 1


def test_debug_mode_and_tests_seal_with_a_development_key_that_production_never_gets(tmp_path, monkeypatch):
    from portal.config import DEVELOPMENT_BID_KEY

    monkeypatch.delenv("PORTAL_BID_KEY", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path), "TESTING": True})
    assert app.config["BID_KEY"] == DEVELOPMENT_BID_KEY
    with pytest.raises(ConfigError, match="PORTAL_BID_KEY is not set"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 64, "BASE_URL": "https://cocity.example.org"})
    # Nothing of the key is written to the instance folder.
    assert not any(DEVELOPMENT_BID_KEY.encode() in path.read_bytes() for path in tmp_path.rglob("*") if path.is_file())
