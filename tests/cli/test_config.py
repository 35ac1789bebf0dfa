"""The settings file: defaults, the documented default.toml, and clear errors for mistakes."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest

from reel_tui.config import load_config, section_types, setting_types
from reel_tui.config_schema import THEMES, Config, DisplaySettings, PlaybackSettings
from reel_tui.engine.errors import ConfigError
from tests.cli.helpers import run_reel

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TOML = ROOT / "config" / "default.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml") == Config()
    assert load_config(None) == Config()


def test_default_toml_parses_to_exactly_the_defaults() -> None:
    assert load_config(DEFAULT_TOML) == Config()


def test_default_toml_documents_every_setting_in_schema_order() -> None:
    text = DEFAULT_TOML.read_text(encoding="utf-8")
    document = tomllib.loads(text)
    assert list(document) == list(section_types())
    lines = text.splitlines()
    for section, schema in section_types().items():
        assert list(document[section]) == list(setting_types(schema)), section
        for key in setting_types(schema):
            index = next(
                i
                for i, line in enumerate(lines)
                if re.match(rf"{key}\s*=", line) and _section_of(lines, i) == section
            )
            assert lines[index - 1].startswith("#"), f"{section}.{key} has no comment above it"


def _section_of(lines: list[str], index: int) -> str:
    for line in reversed(lines[:index]):
        header = re.match(r"\[(\w+)\]", line)
        if header:
            return header.group(1)
    return ""


def test_configuration_docs_mention_every_setting() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section, schema in section_types().items():
        assert f"[{section}]" in docs
        for key in setting_types(schema):
            assert f"`{key}`" in docs, f"{section}.{key} missing from docs/configuration.md"


def test_a_user_file_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[playback]\nplayer = "mpv"\ndisplay = ":0"\nwatched_threshold = 1\n'
        'audio_languages = ["fre", "eng"]\n\n[display]\nimages = "halfcell"\n',
    )
    config = load_config(path)
    assert config.playback == PlaybackSettings(
        player="mpv", display=":0", watched_threshold=1.0, audio_languages=("fre", "eng")
    )
    assert isinstance(config.playback.watched_threshold, float)
    assert config.display == DisplaySettings(images="halfcell")
    assert config.general == Config().general


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("[general]\nstart_screen = library\n", 2, "invalid TOML"),
        ('[playback]\nplayer = "mpv"\n[playback]\nvolume = 3\n', 3, "invalid TOML"),
        (
            "[general]\n\n[playback]\nfullscreen = 1\n",
            4,
            "playback.fullscreen must be true or false",
        ),
        ("[network]\nretries = 2.5\n", 2, "network.retries must be a whole number"),
        ("[network]\ntimeout_s = true\n", 2, "network.timeout_s must be a number"),
        ('[playback]\naudio_languages = "eng"\n', 2, "must be a list of strings"),
        ('[playback]\naudio_languages = ["eng", 2]\n', 2, "must be a list of strings"),
        ("[display]\ntheme = 3\n", 2, "display.theme must be a string"),
        ("[sound]\nvolume = 3\n", 1, "unknown section [sound]"),
        ('# hi\n[playback]\nplayer = "vlc"\n', 3, "one of auto, gstreamer, mpv"),
        (
            '[playback]\n\n  plyer = "mpv"\n',
            3,
            "unknown setting 'playback.plyer' (did you mean 'player'?)",
        ),
        ('[display]\nimages = "ascii"\n', 2, "display.images must be one of"),
        ('[display]\ndefault_sort = "rating"\n', 2, "display.default_sort must be one of"),
        ('[display]\nlibrary_view = "table"\n', 2, "display.library_view must be one of"),
        ('[general]\nstart_screen = "downloads"\n', 2, "general.start_screen must be one of"),
        ("[metadata]\nmatch_threshold = 1.5\n", 2, "must be between 0 and 1"),
        ("[playback]\nwatched_threshold = -0.1\n", 2, "must be between 0 and 1"),
        ('playback.player = "vlc"\n', 1, "playback.player must be one of"),
        ('[display]\nimages = "off"\n[general]\nverbose = true\n', 4, "unknown setting"),
        ("general = 3\n", 1, "must be a section"),
        ("volume = 3\n", 1, "unknown setting 'volume': settings go inside a section"),
        ('[display]\ntheme = "nosuchtheme"\n', 2, "display.theme must be one of textual-dark,"),
        (
            '[metadata]\nread_nfo = true\nproviders = ["tmdb", "imdb"]\n',
            3,
            "metadata.providers may only name tmdb, tvdb, omdb, not 'imdb'",
        ),
        ('[metadata]\nproviders = ["tmdb", "tmdb"]\n', 2, "names 'tmdb' twice"),
        ('[network]\nplex_tv_url = "notaurl"\n', 2, "network.plex_tv_url must be an http://"),
        ('[network]\nplex_tv_url = "ftp://plex.tv"\n', 2, "must be an http:// or https://"),
        ('[network]\nplex_tv_url = "https://"\n', 2, "with a host name"),
        ('[metadata]\ntmdb_url = "api.themoviedb.org/3"\n', 2, "metadata.tmdb_url must be"),
        ('[metadata]\ntvdb_url = "http://host:99999"\n', 2, "metadata.tvdb_url must be"),
        ('[metadata]\nomdb_url = ""\n', 2, "metadata.omdb_url must be"),
    ],
)
def test_mistakes_name_the_file_and_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path / "config.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_good_themes_providers_and_addresses_are_taken(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        '[metadata]\nproviders = ["omdb"]\ntmdb_url = "http://127.0.0.1:8080/3"\n'
        '[network]\nplex_tv_url = "https://plex.example:32400"\n[display]\ntheme = "nord"\n',
    )
    config = load_config(path)
    assert config.metadata.providers == ("omdb",)
    assert config.metadata.tmdb_url == "http://127.0.0.1:8080/3"
    assert config.network.plex_tv_url == "https://plex.example:32400"
    assert config.display.theme == "nord"


def test_the_themes_offered_are_exactly_the_ones_the_app_can_show() -> None:
    from textual.app import App

    assert set(THEMES) == set(App().available_themes)


def test_a_key_with_the_same_name_in_another_section_points_at_the_right_line(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "c.toml", "[offline]\nretries = 1\n\n[network]\nretries = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2
    assert "offline.retries" in str(caught.value)


def test_a_file_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes(b'[general]\nlog_level = "\xff"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line == 2
    assert "UTF-8" in str(caught.value)


def test_every_default_passes_its_own_checks() -> None:
    # A default outside its allowed values would make an empty [section] fail to load.
    for section, schema in section_types().items():
        defaults = dataclasses.asdict(schema())
        text = f"[{section}]\n" + "".join(
            f"{key} = {_toml_value(value)}\n" for key, value in defaults.items()
        )
        assert getattr(_load_text(text), section) == schema()


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return repr(value)


def _load_text(text: str) -> Config:
    from reel_tui.config import parse_config

    return parse_config(text)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('[general\nstart_screen = "library"\n', 1, "invalid TOML"),
        ('[general]\n\n[playback]\nfullscreen = "yes"\n', 4, "fullscreen must be true or false"),
        ('[display]\nimages = "auto"\nposter_size = 3\n', 3, "unknown setting"),
        ('[display]\ntheme = "nosuchtheme"\n', 2, "one of textual-dark, textual-light, nord"),
        ('[metadata]\nproviders = ["imdb"]\n', 2, "may only name tmdb, tvdb, omdb"),
        ('\n[network]\nplex_tv_url = "notaurl"\n', 3, "plex_tv_url must be an http://"),
    ],
)
def test_the_command_line_refuses_a_broken_config_with_status_2(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = write(tmp_path / "config.toml", text)  # REEL_CONFIG points here (conftest)
    before = path.read_bytes()
    result = run_reel("sources", "list")
    assert result.returncode == 2
    assert result.stderr.startswith(f"reel: {path}:{line}: ")
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert path.read_bytes() == before


def test_doctor_refuses_a_bad_theme_instead_of_calling_the_file_valid(tmp_path: Path) -> None:
    path = write(tmp_path / "config.toml", '[display]\ntheme = "nosuchtheme"\n')
    result = run_reel("doctor")
    assert result.returncode == 1, result.stdout
    assert "FAIL  config" in result.stdout
    assert f"{path}:2: display.theme must be one of" in result.stdout
    assert "(valid)" not in result.stdout


def test_config_option_takes_a_file_and_wins_over_reel_config(tmp_path: Path) -> None:
    other = write(tmp_path / "other.toml", "[sync]\ninterval_minutes = 0\n")
    result = run_reel("--config", str(other), "sources", "list", "--json")
    assert result.returncode == 2
    assert f"reel: {other}:2: sync.interval_minutes must be at least 1" in result.stderr


def test_config_option_with_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run_reel("--config", str(tmp_path / "missing.toml"), "sources", "list")
    assert result.returncode == 2
    assert "missing.toml" in result.stderr
    assert not (tmp_path / "missing.toml").exists()
