"""The `reel` entry point: help, global options, exit statuses and a cheap import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import reel_json, run_reel

COMMANDS = ("demo", "doctor", "ls", "show", "sources", "sync", "tui")


def test_help_lists_every_command() -> None:
    result = run_reel("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert f"  {command} " in result.stdout, command


def test_an_unknown_command_is_a_usage_error() -> None:
    result = run_reel("frobnicate")
    assert result.returncode == 2
    assert "frobnicate" in result.stderr


def test_data_dir_option_wins_over_reel_data_dir(tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    folder = tmp_path / "Films"
    folder.mkdir()
    added = run_reel("--data-dir", str(other), "sources", "add", "local", str(folder))
    assert added.returncode == 0, added.stderr
    assert (other / "cache.db").is_file()
    assert reel_json("sources", "list") == []  # REEL_DATA_DIR's cache is another one
    assert len(reel_json("--data-dir", str(other), "sources", "list")) == 1


def test_importing_the_cli_loads_no_ui_and_no_parser() -> None:
    code = (
        "import sys, reel_tui.cli\n"
        "heavy = [m for m in ('textual', 'guessit', 'peewee', 'rich') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
