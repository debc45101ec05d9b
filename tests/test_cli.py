"""The command line as scripts use it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pulseboard import __version__


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulseboard", *args], capture_output=True, text=True, timeout=60
    )


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"pulseboard {__version__}"
    help_text = run("--help").stdout
    assert "serve" in help_text and "demo" in help_text
    assert "--data-dir" in run("serve", "--help").stdout


def test_a_bad_config_file_is_reported_without_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "pulseboard.yml"
    config.write_text("storage:\n  retention:\n    raw: forever\n")
    result = run("serve", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "configuration error" in result.stderr and "retention" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_listen_address_is_reported(tmp_path: Path) -> None:
    result = run("serve", "--listen", "nowhere", "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 2
    assert "HOST:PORT" in result.stderr


def test_an_unreachable_metadata_database_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "pulseboard.yml"
    config.write_text("meta:\n  url: postgresql://pulseboard:secret@127.0.0.1:1/pulseboard\n")
    result = run("serve", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "cannot open metadata database" in result.stderr
    assert "secret" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_provisioning_folder_is_reported(tmp_path: Path) -> None:
    config = tmp_path / "pulseboard.yml"
    config.write_text(f"dashboards:\n  provisioning: {tmp_path / 'nowhere'}\n")
    result = run("serve", "--config", str(config), "--data-dir", str(tmp_path / "data"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
