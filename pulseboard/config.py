"""Configuration: one YAML file, every key overridable by a PULSEBOARD_* environment variable.

Nested keys use a double underscore: `storage.retention.raw` is
`PULSEBOARD_STORAGE__RETENTION__RAW`.
With no file and no variables the defaults run a laptop-sized server.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

_DURATION_RE = re.compile(r"^(\d+)(ms|s|m|h|d|w|y)$")
_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "y": 31536000,
}


def parse_duration(text: str | int | float | timedelta) -> timedelta:
    """Prometheus-style durations ("15s", "2h", "30d"); bare numbers are seconds."""
    if isinstance(text, timedelta):
        return text
    if isinstance(text, int | float):
        return timedelta(seconds=text)
    total = 0.0
    rest = text.strip()
    if not rest:
        raise ValueError("empty duration")
    for part in re.findall(r"\d+(?:ms|s|m|h|d|w|y)", rest):
        found = _DURATION_RE.match(part)
        assert found is not None
        total += int(found.group(1)) * _UNIT_SECONDS[found.group(2)]
    if "".join(re.findall(r"\d+(?:ms|s|m|h|d|w|y)", rest)) != rest:
        raise ValueError(f"invalid duration {text!r} (use e.g. 15s, 5m, 2h, 30d)")
    return timedelta(seconds=total)


class _Section(BaseModel):
    model_config = {"extra": "forbid"}

    @field_validator("*", mode="before")
    @classmethod
    def _durations(cls, value: Any, info: Any) -> Any:
        field = cls.model_fields[info.field_name]
        if field.annotation is timedelta and isinstance(value, str | int | float):
            return parse_duration(value)
        return value


class RetentionConfig(_Section):
    raw: timedelta = timedelta(days=30)
    rollup_5m: timedelta = timedelta(days=365)
    rollup_1h: timedelta = timedelta(days=5 * 365)


class StorageConfig(_Section):
    block_duration: timedelta = Field(default=timedelta(hours=2), gt=timedelta(0))
    # A window stays in memory this long after it ends, for late samples and fast recent reads.
    head_grace: timedelta = timedelta(minutes=30)
    # How far ahead of the server clock a sample may be stamped.
    future_tolerance: timedelta = timedelta(minutes=10)
    # fsync the write-ahead log before acknowledging (power-loss safety); without it a write is
    # in the operating system's cache before it is acknowledged, which survives a killed process.
    wal_fsync: bool = False
    # Compress complete 5-minute segments of the head (about 4 bytes a sample instead of 16);
    # reads of the head then decompress the chunks they touch.
    head_compression: bool = True
    # Decoded row groups of closed blocks and decoded chunks of the compressed head, kept in
    # memory for the next read (0 turns it off).
    block_cache_bytes: int = Field(default=256 * 1024 * 1024, ge=0)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    maintenance_interval: timedelta = Field(default=timedelta(seconds=30), gt=timedelta(0))


class LimitsConfig(_Section):
    max_body_bytes: int = 32 * 1024 * 1024
    max_samples_per_request: int = 1_000_000
    max_series_per_project: int = 1_000_000


class QueryConfig(_Section):
    # How far back an instant vector selector looks for the latest sample (Prometheus' default).
    lookback: timedelta = Field(default=timedelta(minutes=5), gt=timedelta(0))
    # Samples one query may hold in memory at once; above it the query fails with 422.
    max_samples: int = Field(default=50_000_000, gt=0)
    # The longest a query may run; a request's own `timeout` can only shorten it.
    timeout: timedelta = Field(default=timedelta(minutes=2), gt=timedelta(0))
    # Identical queries within this window are answered from memory; 0s turns the cache off.
    cache_ttl: timedelta = Field(default=timedelta(seconds=5), ge=timedelta(0))
    # A range query may ask for at most this many steps (Prometheus: 11,000).
    max_points_per_series: int = Field(default=11_000, gt=0)


class StaticConfig(_Section):
    targets: list[str]
    labels: dict[str, str] = Field(default_factory=dict)


class ScrapeConfig(_Section):
    job_name: str
    scrape_interval: timedelta = Field(default=timedelta(seconds=15), gt=timedelta(0))
    scrape_timeout: timedelta = Field(default=timedelta(seconds=10), gt=timedelta(0))
    metrics_path: str = "/metrics"
    scheme: str = "http"
    honor_labels: bool = False
    honor_timestamps: bool = True
    params: dict[str, list[str]] = Field(default_factory=dict)
    static_configs: list[StaticConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _timeout_within_interval(self) -> ScrapeConfig:
        if self.scrape_timeout > self.scrape_interval:
            raise ValueError(
                f"scrape_timeout ({self.scrape_timeout}) is longer than "
                f"scrape_interval ({self.scrape_interval}) in job {self.job_name!r}"
            )
        return self


class DemoConfig(_Section):
    enabled: bool = False
    interval: timedelta = Field(default=timedelta(seconds=15), gt=timedelta(0))
    backfill: timedelta = Field(default=timedelta(days=7), ge=timedelta(0))


class MetaConfig(_Section):
    # SQLAlchemy URL of the metadata database (dashboards, annotations); None is the SQLite file
    # <data_dir>/meta.db. Several replicas share one PostgreSQL: postgresql://user@host/db.
    url: str | None = None


class DashboardsConfig(_Section):
    # Create the built-in dashboards (business overview, operations, LLM cost, service RED,
    # Pulseboard itself) on first start.
    templates: bool = True
    # Grafana-style dashboard provisioning: a provider YAML file, or a folder of them.
    provisioning: Path | None = None
    # The persona whose home dashboard, range and refresh the UI opens with.
    default_persona: Literal["business", "operations"] = "operations"


class SelfMonitoringConfig(_Section):
    # Scrape the server's own /metrics this often (0s: never), for the "Pulseboard itself"
    # dashboard; the job is named "pulseboard" unless scrape_configs has one of that name.
    scrape_interval: timedelta = Field(default=timedelta(seconds=15), ge=timedelta(0))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PULSEBOARD_", env_nested_delimiter="__", extra="forbid"
    )

    listen: str = "127.0.0.1:9400"
    data_dir: Path = Path("./data")
    storage: StorageConfig = Field(default_factory=StorageConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    query: QueryConfig = Field(default_factory=QueryConfig)
    scrape_configs: list[ScrapeConfig] = Field(default_factory=list)
    demo: DemoConfig = Field(default_factory=DemoConfig)
    meta: MetaConfig = Field(default_factory=MetaConfig)
    dashboards: DashboardsConfig = Field(default_factory=DashboardsConfig)
    self_monitoring: SelfMonitoringConfig = Field(default_factory=SelfMonitoringConfig)

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"listen must be HOST:PORT, got {value!r}")
        return value

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Explicit arguments (the CLI's flags) win over the environment, which wins over the file.
        return (init_settings, env_settings)


class ConfigError(ValueError):
    pass


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read the YAML file (if any), then apply environment variables, then explicit overrides."""
    file_values: dict[str, Any] = {}
    if config_file is not None:
        try:
            loaded = yaml.safe_load(config_file.read_text()) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read config file {config_file}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ConfigError(f"config file {config_file} must hold a mapping at the top level")
        file_values = loaded
    merged = _deep_merge(file_values, _env_values())
    merged = _deep_merge(merged, {k: v for k, v in overrides.items() if v is not None})
    return Settings(**merged)


def _env_values() -> dict[str, Any]:
    # pydantic-settings reads the environment; asking for the fields it set keeps env over file.
    from_env = Settings()
    return from_env.model_dump(exclude_unset=True)


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
