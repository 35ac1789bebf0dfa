"""`reel doctor`: what works here, as text and JSON, and the checks behind it."""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from reel_tui.config_schema import Config, DisplaySettings, PlaybackSettings
from reel_tui.engine.doctor import (
    CheckStatus,
    check_display,
    check_terminal,
    poster_renderer,
)
from tests.cli.helpers import MediaTree, reel_json, run_reel

CHECK_NAMES = {
    "config file",
    "data folder",
    "cache",
    "ffmpeg",
    "keyring",
    "terminal graphics",
    "display for playback",
}


def test_doctor_json_lists_every_check(tmp_path: Path) -> None:
    result = run_reel("doctor", "--json")
    report = json.loads(result.stdout)
    names = {check["name"] for check in report["checks"]}
    assert names >= CHECK_NAMES
    assert any(name.startswith("player") for name in names)
    assert {check["status"] for check in report["checks"]} <= {"ok", "warn", "fail"}
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert report["ok"] is (not failed)
    assert result.returncode == (1 if failed else 0)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["config file"]["status"] == "ok"
    assert str(tmp_path / "config.toml") in checks["config file"]["detail"]
    assert checks["data folder"]["status"] == "ok"
    # The tests run with keyring's "fail" backend: tokens would go to the private file.
    assert checks["keyring"]["status"] == "warn"
    assert "0600" in checks["keyring"]["detail"]


def test_doctor_text_shows_one_line_per_check() -> None:
    result = run_reel("doctor")
    lines = result.stdout.splitlines()
    for name in CHECK_NAMES:
        assert any(name in line for line in lines), name
    assert result.stderr == ""


def test_doctor_reports_a_broken_config_instead_of_stopping(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[display]\nimages = 'ascii'\n", encoding="utf-8")
    result = run_reel("doctor", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["config file"]["status"] == "fail"
    assert f"{config}:2:" in checks["config file"]["detail"]
    assert set(checks) >= CHECK_NAMES  # the other checks still ran
    assert config.read_text(encoding="utf-8") == "[display]\nimages = 'ascii'\n"


def test_repair_of_a_healthy_cache_does_nothing() -> None:
    assert run_reel("sources", "list").returncode == 0  # creates the cache
    result = run_reel("doctor", "--repair")
    assert result.returncode == 0
    assert "nothing to repair" in result.stderr


def damage_cache(tmp_path: Path) -> Path:
    """Make a real cache with a source in it, then overwrite part of the file with junk."""
    folder = tmp_path / "Films"
    folder.mkdir()
    assert run_reel("sources", "add", "local", str(folder)).returncode == 0
    cache = tmp_path / "data" / "cache.db"
    with cache.open("r+b") as file:
        file.seek(0)
        file.write(b"this is not a database" * 50)
    return cache


def test_a_damaged_cache_fails_clearly_and_doctor_reports_it(tmp_path: Path) -> None:
    cache = damage_cache(tmp_path)
    listing = run_reel("ls")
    assert listing.returncode == 1
    assert listing.stderr.startswith("reel: ") and "Traceback" not in listing.stderr

    result = run_reel("doctor", "--json")
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert checks["cache"]["status"] == "fail"
    assert "--repair" in checks["cache"]["detail"]
    assert cache.exists()  # reporting never touches the file


def test_repair_asks_for_yes_off_a_terminal_then_rebuilds(tmp_path: Path) -> None:
    cache = damage_cache(tmp_path)
    refused = run_reel("doctor", "--repair")
    assert refused.returncode == 2
    assert "--yes" in refused.stderr
    assert not list(cache.parent.glob("cache.db.corrupt-*"))

    repaired = run_reel("doctor", "--repair", "--yes", "--json")
    checks = {c["name"]: c for c in json.loads(repaired.stdout)["checks"]}
    assert checks["cache"]["status"] == "ok"
    assert len(list(cache.parent.glob("cache.db.corrupt-*"))) == 1  # the damaged file is kept
    assert run_reel("sources", "list", "--json").returncode == 0


def test_posters_inside_tmux_use_halfcell() -> None:
    renderer, why = poster_renderer(
        Config(), {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen"}, True
    )
    assert renderer == "halfcell"
    assert "tmux" in why


def test_posters_in_kitty_use_the_kitty_protocol() -> None:
    assert (
        poster_renderer(Config(), {"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"}, True)[0]
        == "kitty"
    )
    assert poster_renderer(Config(), {"TERM": "foot"}, True)[0] == "sixel"
    assert poster_renderer(Config(), {"TERM": "xterm-256color"}, True)[0] == "halfcell"


def test_the_images_setting_wins_over_detection() -> None:
    config = Config(display=DisplaySettings(images="sixel"))
    renderer, why = poster_renderer(config, {"TMUX": "x"}, True)
    assert (renderer, why) == ("sixel", "set by display.images")
    check = check_terminal(config, {"SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"}, True)
    assert "SSH" in check.detail


def test_display_check_follows_the_environment_and_the_setting() -> None:
    assert check_display(Config(), {"DISPLAY": ":5"}).status is CheckStatus.OK
    assert check_display(Config(), {"WAYLAND_DISPLAY": "wayland-0"}).status is CheckStatus.OK
    nothing = check_display(Config(), {})
    assert nothing.status is CheckStatus.WARN
    assert "playback.display" in nothing.detail
    terminal = Config(playback=PlaybackSettings(in_terminal=True))
    assert check_display(terminal, {}).status is CheckStatus.OK
    absent = Config(playback=PlaybackSettings(display=":987"))
    missing = check_display(absent, {"DISPLAY": ":0"})
    assert missing.status is CheckStatus.WARN
    assert ":987" in missing.detail


@pytest.mark.parametrize(
    "env",
    [
        {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "3"},
        {"TERM": "foot"},
        {"TERM_PROGRAM": "WezTerm", "TERM": "xterm-256color"},
        {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "tmux-256color"},
        {"TERM": "xterm-256color", "SSH_CONNECTION": "10.0.0.2 5000 10.0.0.1 22"},
        {"TERM": "dumb"},
    ],
)
def test_doctor_names_the_renderer_the_app_draws_with(env: dict[str, str]) -> None:
    from reel_tui.images_choice import choose_renderer

    assert poster_renderer(Config(), env, True)[0] == choose_renderer("auto", env).value


def test_a_damaged_title_fails_clearly_and_repair_keeps_the_other_items(
    tmp_path: Path, media_tree: MediaTree
) -> None:
    folder = media_tree(tmp_path / "media", [f"Film {n} (200{n}).mkv" for n in range(4)])
    assert run_reel("sources", "add", "local", str(folder)).returncode == 0
    assert run_reel("sync").returncode == 0
    data_dir = Path(os.environ["REEL_DATA_DIR"])
    with closing(sqlite3.connect(data_dir / "cache.db")) as conn, conn:
        # Bytes damaged inside a page SQLite's own check passes: not UTF-8 any more.
        conn.execute("UPDATE items SET title = CAST(X'46696cff' AS TEXT) WHERE title = 'Film 2'")

    listing = run_reel("ls")
    assert listing.returncode == 1
    assert listing.stderr.startswith("reel: The cache") and "damaged" in listing.stderr
    assert "Traceback" not in listing.stderr
    checked = run_reel("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(checked.stdout)["checks"]}
    assert checks["cache"]["status"] == "fail"

    assert run_reel("doctor", "--repair", "--yes").returncode == 0
    titles = {item["title"] for item in reel_json("ls")}
    assert titles == {"Film 0", "Film 1", "Film 3"}
