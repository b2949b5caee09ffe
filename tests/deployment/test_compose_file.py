"""docker-compose.yml follows the Compose specification and declares what an operator relies on."""

import json
import re

import jsonschema
import pytest
from django.conf import settings
from django.core.management import get_commands

from tests.deployment.compose import (
    COMPOSE_FILE,
    ONE_SHOT,
    compose,
    default_services,
    dependencies,
    is_one_shot,
    services,
    start_order,
)

SCHEMA = settings.BASE_DIR / "tests" / "fixtures" / "compose" / "compose-spec.json"
LONG_RUNNING = {"db", "redis", "web", "worker", "beat", "proxy"}
SETUP = {"migrate", "collectstatic", "install_schedules", "zoom_credential_from_env"}
DJANGO_SERVICES = {"web", "worker", "beat"} | SETUP


def test_the_compose_file_validates_against_the_compose_specification_schema():
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose()), key=str)
    assert errors == []


def test_the_schema_check_catches_a_broken_file():
    """The validation above can fail: a misspelt key and a bad condition are errors."""
    schema = json.loads(SCHEMA.read_text())
    broken = json.loads(json.dumps(compose()))
    broken["services"]["web"]["depend_on"] = ["db"]
    broken["services"]["worker"]["depends_on"]["migrate"]["condition"] = "service_done"
    messages = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(broken)]
    assert any("depend_on" in message for message in messages)
    assert any("service_done" in message for message in messages)


def test_the_stack_has_setup_jobs_long_running_services_and_a_backup_tool():
    assert set(default_services()) == LONG_RUNNING | SETUP
    assert services()["backup"]["profiles"] == ["tools"]


def test_setup_jobs_run_once_and_everything_else_restarts():
    for name in SETUP | {"backup"}:
        assert is_one_shot(name), name
    for name in LONG_RUNNING:
        assert services()[name]["restart"] == "unless-stopped", name


def test_every_long_running_service_has_a_health_check():
    for name in LONG_RUNNING:
        check = services()[name].get("healthcheck")
        assert check and check["test"] and not check.get("disable"), name


def test_no_service_starts_before_what_it_needs():
    order = start_order(default_services())
    position = {name: index for index, name in enumerate(order)}
    assert position["db"] < position["migrate"] < position["install_schedules"] < position["beat"]
    for name in ("web", "worker", "beat"):
        assert dependencies(name)["migrate"] == ONE_SHOT, name
        assert dependencies(name)["db"] == "service_healthy"
        assert dependencies(name)["redis"] == "service_healthy"
    assert dependencies("web")["collectstatic"] == ONE_SHOT
    assert dependencies("beat")["install_schedules"] == ONE_SHOT
    assert dependencies("install_schedules") == {"migrate": ONE_SHOT}
    assert dependencies("proxy") == {"web": "service_healthy"}
    # The migration runs in its own job, never inside a long-running service's command.
    for name in LONG_RUNNING - {"db", "redis"}:
        assert "migrate" not in json.dumps(services()[name].get("command", "")), name


def test_postgresql_17_redis_with_append_only_file_and_named_volumes():
    assert services()["db"]["image"] == "postgres:17"
    redis_command = services()["redis"]["command"]
    assert redis_command[redis_command.index("--appendonly") + 1] == "yes"
    named = set(compose()["volumes"])
    assert {"pgdata", "redisdata", "media", "static", "backups"} <= named
    for name, spec in services().items():
        for volume in spec.get("volumes", []):
            source = volume.split(":")[0]
            assert source in named or source.startswith(("./", "${")), (name, volume)


def test_web_is_gunicorn_with_gthread_workers_behind_the_proxy():
    command = services()["web"]["command"]
    assert command[:2] == ["gunicorn", "zoomhub.wsgi:application"]
    config_path = settings.BASE_DIR / command[command.index("--config") + 1]
    config: dict = {}
    exec(compile(config_path.read_text(), str(config_path), "exec"), config)
    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert "ports" not in services()["web"]  # only the proxy is published
    assert services()["proxy"]["ports"] == ["80:80", "443:443"]


def test_django_services_share_one_environment_and_the_media_volume():
    for name in DJANGO_SERVICES:
        spec = services()[name]
        assert spec["image"] == "zoomhub:latest"
        assert spec["env_file"] == ".env"
        assert "media:/app/media" in spec["volumes"]
        assert spec["environment"]["RECORDINGS_ACCEL_REDIRECT_PREFIX"] == "/protected-media/"
    assert "media:/srv/media:ro" in services()["proxy"]["volumes"]
    assert "static:/srv/static:ro" in services()["proxy"]["volumes"]


def test_every_manage_py_command_in_compose_exists():
    text = COMPOSE_FILE.read_text()
    used = set(re.findall(r'"manage\.py", "(\w+)"', text))
    assert used >= {"migrate", "collectstatic", "install_schedules", "worker_health", "beat_health"}
    assert used <= set(get_commands())


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_run_the_zoomhub_app(name):
    command = services()[name]["command"]
    assert command[:4] == ["celery", "-A", "zoomhub", name]
