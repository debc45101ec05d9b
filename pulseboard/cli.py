"""`pulseboard serve | demo`: the stable way to start the server from scripts."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from pulseboard import __version__
from pulseboard.config import ConfigError, Settings, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pulseboard", description="Self-hosted real-time KPI and observability dashboards."
    )
    parser.add_argument("--version", action="version", version=f"pulseboard {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("serve", "run the server"),
        ("demo", "run the server with a simulated workload writing realistic data"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--listen", help="HOST:PORT to listen on (default 127.0.0.1:9400)")
        command.add_argument("--data-dir", type=Path, help="where data is kept (default ./data)")
        command.add_argument("--config", type=Path, help="YAML configuration file")
        command.add_argument("--log-level", default="info", help="debug, info, warning, error")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    overrides: dict[str, object] = {"listen": args.listen, "data_dir": args.data_dir}
    if args.command == "demo":
        overrides["demo"] = {"enabled": True}
    try:
        settings = load_settings(args.config, **overrides)
    except (ConfigError, ValueError) as exc:
        print(f"pulseboard: configuration error: {exc}", file=sys.stderr)
        return 2
    return serve(settings, args.log_level)


def serve(settings: Settings, log_level: str = "info") -> int:
    from pulseboard.dashboards.provisioning import ProvisioningConfigError
    from pulseboard.meta import DatabaseUnavailableError
    from pulseboard.server import Pulseboard, create_app

    try:
        pulseboard = Pulseboard(settings)
    except (DatabaseUnavailableError, ProvisioningConfigError) as exc:
        print(f"pulseboard: cannot start: {exc}", file=sys.stderr)
        return 1
    app = create_app(pulseboard)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level.lower(),
        # Live frames are small and many: compressing each costs more CPU than it saves.
        ws_per_message_deflate=False,
    )
    return 0
