"""Helpers for the command-line tests: run `reel` as a real subprocess and read its JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ITEM_FIELDS = {
    "id",
    "source_id",
    "library_id",
    "kind",
    "title",
    "year",
    "show_title",
    "season",
    "episode",
    "episode_end",
    "parent_id",
    "duration_s",
    "path",
    "files",
    "watched",
    "position_s",
    "external_ids",
    "offline",
}
"""The item JSON fields of the command-line contract (ARCHITECTURE.md), written out here."""

EXTERNAL_ID_FIELDS = {"tmdb", "imdb", "tvdb"}


def isolated_env(root: Path) -> dict[str, str]:
    """An environment whose data, config and home all live under `root`."""
    env = dict(os.environ)
    env.update(
        HOME=str(root / "home"),
        XDG_CONFIG_HOME=str(root / "home/.config"),
        XDG_DATA_HOME=str(root / "home/.local/share"),
        REEL_DATA_DIR=str(root / "data"),
        REEL_CONFIG=str(root / "config.toml"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    return env


def run_reel(
    *args: str,
    env: Mapping[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m reel_tui ARGS` (inheriting the test's isolated environment)."""
    return subprocess.run(
        [sys.executable, "-m", "reel_tui", *args],
        capture_output=True,
        text=True,
        env=dict(env) if env is not None else None,
        input=input_text,
        timeout=timeout,
        check=False,
    )


def reel_json(*args: str, env: Mapping[str, str] | None = None) -> Any:
    """Run a `--json` command, check it succeeded and return its one JSON document."""
    result = run_reel(*args, "--json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


MediaTree = Callable[[Path, list[str]], Path]
"""Makes a folder holding a real clip at each relative path (see the media_tree fixture)."""
