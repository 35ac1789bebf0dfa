"""`reel demo --no-tui`: the sample library is built, added, synced and reads correctly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import ITEM_FIELDS, isolated_env, reel_json, run_reel

pytestmark = pytest.mark.slow  # builds 13 real clips (a few seconds on 2 cores)

MOVIES = {
    ("Big Buck Bunny", 2008),
    ("Sintel", 2010),
    ("Tears of Steel", 2012),
    ("Elephants Dream", 2006),
    ("Cosmos Laundromat", 2015),
}
EPISODES = {
    (0, 1, "Behind the Lights"),
    (1, 1, "Pilot"),
    (1, 2, "The Long Dark"),
    (1, 3, "Lanterns"),
    (2, 1, "Homecoming"),
    (2, 2, "Aurora"),
}


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One demo library for the whole module (building it is the slow part)."""
    env = isolated_env(tmp_path_factory.mktemp("demo"))
    result = run_reel("demo", "--no-tui", env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Demo library" in result.stderr
    return env


def test_demo_adds_one_mixed_source_in_the_data_folder(demo_env: dict[str, str]) -> None:
    [source] = reel_json("sources", "list", env=demo_env)
    assert source["name"] == "Demo library"
    assert source["library_kind"] == "mixed"
    assert source["location"] == str((Path(demo_env["REEL_DATA_DIR"]) / "demo").resolve())
    assert source["last_sync_at"] is not None
    assert source["item_count"] > 0


def test_demo_movies_have_their_titles_years_and_versions(demo_env: dict[str, str]) -> None:
    movies = reel_json("ls", "--type", "movie", env=demo_env)
    assert {(m["title"], m["year"]) for m in movies} == MOVIES
    for movie in movies:
        assert set(movie) == ITEM_FIELDS
        assert Path(movie["path"]).is_file()
    dream = next(m for m in movies if m["title"] == "Elephants Dream")
    assert len(dream["files"]) == 2
    bunny = next(m for m in movies if m["title"] == "Big Buck Bunny")
    assert bunny["external_ids"]["imdb"] == "tt1254207"  # from movie.nfo


def test_demo_show_has_two_seasons_specials_and_episodes(demo_env: dict[str, str]) -> None:
    [show] = reel_json("ls", "--type", "show", env=demo_env)
    assert (show["title"], show["year"]) == ("Night Lights", 2019)  # year from tvshow.nfo
    seasons = reel_json("ls", "--type", "season", env=demo_env)
    assert sorted(s["season"] for s in seasons) == [0, 1, 2]
    episodes = reel_json("ls", "--type", "episode", env=demo_env)
    assert {(e["season"], e["episode"], e["title"]) for e in episodes} == EPISODES
    assert {e["show_title"] for e in episodes} == {"Night Lights"}


def test_demo_trailer_is_an_extra_of_its_movie(demo_env: dict[str, str]) -> None:
    plain = reel_json("ls", env=demo_env)
    assert not [i for i in plain if i["kind"] == "extra"]
    items = reel_json("ls", "--include-extras", env=demo_env)
    [trailer] = [i for i in items if i["kind"] == "extra"]
    steel = next(i for i in items if i["title"] == "Tears of Steel")
    assert trailer["parent_id"] == steel["id"]
    details: dict[str, Any] = reel_json("show", steel["id"], env=demo_env)
    assert [e["id"] for e in details["extras"]] == [trailer["id"]]


def test_demo_folder_has_nfo_files_and_posters(demo_env: dict[str, str]) -> None:
    folder = Path(demo_env["REEL_DATA_DIR"]) / "demo"
    assert (folder / "Shows/Night Lights/tvshow.nfo").is_file()
    assert (folder / "Movies/Big Buck Bunny (2008)/movie.nfo").is_file()
    posters = list(folder.rglob("poster.*"))
    assert len(posters) == 6
    assert all(p.stat().st_size > 0 for p in posters)


def test_running_demo_again_reuses_the_files_and_the_source(demo_env: dict[str, str]) -> None:
    before = {i["id"] for i in reel_json("ls", env=demo_env)}
    result = run_reel("demo", "--no-tui", env=demo_env)
    assert result.returncode == 0, result.stderr
    assert "0 files made" in result.stderr
    assert len(reel_json("sources", "list", env=demo_env)) == 1
    assert {i["id"] for i in reel_json("ls", env=demo_env)} == before
