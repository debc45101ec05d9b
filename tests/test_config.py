"""The configuration file, environment overrides, and the documented example."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from pulseboard.config import ConfigError, Settings, load_settings, parse_duration

DOC = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def documented_example(tmp_path: Path) -> Path:
    [block] = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.S)
    path = tmp_path / "pulseboard.yml"
    path.write_text(block)
    return path


def test_documented_example_is_valid_and_equals_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(documented_example(tmp_path))
    defaults = Settings()
    assert settings.storage == defaults.storage
    assert settings.limits == defaults.limits
    assert settings.scrape_configs[0].static_configs[0].labels == {"project": "atlas"}


def test_environment_overrides_the_file_and_flags_override_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSEBOARD_STORAGE__RETENTION__RAW", "90d")
    monkeypatch.setenv("PULSEBOARD_LISTEN", "0.0.0.0:9999")
    settings = load_settings(documented_example(tmp_path), listen="127.0.0.1:1234")
    assert settings.storage.retention.raw == timedelta(days=90)
    assert settings.storage.retention.rollup_1h == timedelta(days=5 * 365)  # file value kept
    assert settings.listen == "127.0.0.1:1234"


@pytest.mark.parametrize(
    ("text", "seconds"), [("15s", 15), ("1h30m", 5400), ("2d", 172800), ("250ms", 0.25)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "15", "1x", "h", "5m3"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    "content",
    [
        "listen: nowhere\n",
        "storage:\n  retention:\n    raw: forever\n",
        "unknown_key: 1\n",
        "- a\n",
    ],
)
def test_bad_files_are_refused_with_a_message(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(content)
    with pytest.raises((ConfigError, ValueError)):
        load_settings(path)


def test_a_scrape_timeout_longer_than_the_interval_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pulseboard.yml"
    path.write_text(
        "scrape_configs:\n  - job_name: slow\n    scrape_interval: 5s\n    scrape_timeout: 10s\n"
        "    static_configs: [{targets: ['127.0.0.1:1']}]\n"
    )
    with pytest.raises(ValueError, match="scrape_timeout"):
        load_settings(path)
