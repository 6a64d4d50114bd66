"""lab.config in-process: every bad value is one ConfigError naming its variable; the port
table covers every port variable; the config survives a round trip through LAB_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab import config
from lab.config import PORTS, LabConfig
from lab.errors import ConfigError, LabError

NO_DOTENV = Path("/nonexistent/.env")


def load(tmp_path: Path, **variables: str) -> LabConfig:
    return config.load({"LAB_STATE_DIR": str(tmp_path / "state"), **variables}, NO_DOTENV)


def test_defaults_are_valid(tmp_path):
    cfg = load(tmp_path)
    assert cfg.with_(state_dir=".lab") == LabConfig()
    assert (tmp_path / "state").is_dir(), "the state dir is created by validation"


@pytest.mark.parametrize(
    ("variables", "names"),
    [
        ({"LAB_LATENCY_MS": "999999"}, "LAB_LATENCY_MS"),
        ({"LAB_LATENCY_MS": "-5"}, "LAB_LATENCY_MS"),
        ({"LAB_LATENCY_MS": "1.5"}, "LAB_LATENCY_MS"),
        ({"LAB_TOXIPROXY_PORT": "65536"}, "LAB_TOXIPROXY_PORT"),
        ({"LAB_DNS_PORT": "-1"}, "LAB_DNS_PORT"),
        ({"LAB_HTTPBIN_PORT": "http"}, "LAB_HTTPBIN_PORT"),
        ({"LAB_HTTPBIN_UPSTREAM_PORT": "8080"}, "LAB_HTTPBIN_UPSTREAM_PORT"),
        ({"LAB_HOST": "example.com"}, "LAB_HOST"),
        ({"LAB_HOST": "192.0.2.1", "LAB_ALLOW_REMOTE": "1"}, "LAB_HOST"),
        ({"LAB_HOST": "0.0.0.0"}, "LAB_HOST"),
        ({"LAB_BACKEND": "kubernetes"}, "LAB_BACKEND"),
        ({"LAB_STATE_DIR": "/proc/nope"}, "LAB_STATE_DIR"),
    ],
)
def test_each_bad_value_is_one_config_error(tmp_path, variables, names):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, **variables)
    message = caught.value.message
    assert message.startswith(f"{names}=") and "allowed" in message
    assert "\n" not in message
    assert isinstance(caught.value, LabError) and isinstance(caught.value, SystemExit)
    assert caught.value.code and str(caught.value.code).startswith("error: ")


def test_a_file_as_state_dir_is_refused(tmp_path):
    (tmp_path / "state").write_text("")
    with pytest.raises(ConfigError, match="LAB_STATE_DIR.*not a directory"):
        load(tmp_path)


def test_a_learners_process_reads_addresses_without_the_state_dir(tmp_path, monkeypatch):
    """A confined learner may not write the lab's state: the exercises' addresses
    (lab.endpoints) do not need it."""
    from lab import endpoints

    (tmp_path / "state").write_text("")  # unusable as a state dir
    for name, value in {"LAB_STATE_DIR": str(tmp_path / "state"), "LAB_DNS_PORT": "1153",
                        "LAB_HTTPBIN_PORT": "8180"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError):
        config.load()
    assert endpoints.dns_server() == ("127.0.0.1", 1153)
    assert endpoints.httpbin_url() == "http://127.0.0.1:8180"


def test_loopback_and_allowed_remote_hosts(tmp_path):
    assert load(tmp_path, LAB_HOST="127.0.0.2").host == "127.0.0.2"
    assert load(tmp_path, LAB_HOST="localhost").host == "localhost"
    allowed = load(tmp_path, LAB_HOST="0.0.0.0", LAB_ALLOW_REMOTE="yes")
    assert allowed.allow_remote and allowed.to_env()["LAB_ALLOW_REMOTE"] == "1"


def test_dotenv_is_read_and_the_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("# ports\nexport LAB_HTTPBIN_PORT=9080\nLAB_DNS_PORT='9053'\n")
    cfg = config.load({"LAB_STATE_DIR": str(tmp_path / "s"), "LAB_DNS_PORT": "9054"}, dotenv=dotenv)
    assert (cfg.httpbin_port, cfg.dns_port) == (9080, 9054)


def test_to_env_round_trips(tmp_path):
    cfg = LabConfig(httpbin_port=9999, latency_ms=5, state_dir=str(tmp_path), allow_remote=True)
    assert config.from_variables(cfg.to_env(), NO_DOTENV) == cfg


def test_the_port_table_covers_every_port_variable():
    variables = {env for env in LabConfig().to_env() if env.endswith("_PORT")}
    assert {u.env for u in PORTS} == variables
    assert {u.proto for u in PORTS if u.env == "LAB_DNS_PORT"} == {"tcp", "udp"}
    cfg = LabConfig()
    assert cfg.ports() == {u.env: getattr(cfg, u.field) for u in PORTS}
    assert {b.service for b in cfg.bindings()} == {"toxiproxy", "httpbin", "dns"}
    assert [b.port for b in cfg.bindings("httpbin")] == [
        cfg.httpbin_upstream_port,
        cfg.httpbin_proxied_port,
    ]
