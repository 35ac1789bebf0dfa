"""A fake OMDb on 127.0.0.1, answering from the shared catalogue.

Built from ``shared/specs/omdb`` (``omdb-swagger.json`` and its two JSON Schemas, which
``tests/metadata/test_fakes.py`` validates the answers against). One route, ``/``, with
``s=`` (search), ``t=`` (one title), ``i=`` (an IMDb id; with ``Season=`` the season's
episodes, as the live service does). A wrong ``apikey`` gets 401 and
``{"Response": "False", "Error": "Invalid API key!"}``; a miss is a 200 with
``"Response": "False"``.
"""

from __future__ import annotations

from typing import Any

from tests.servers.metadata_base import CATALOGUE, Answer, FakeServer, Title, search_catalogue

API_KEY = "omdbkey1"
_TYPES = {"movie": "movie", "show": "series"}


def _miss(error: str) -> Answer:
    return Answer(200, {"Response": "False", "Error": error})


def title_record(entry: Title) -> dict[str, Any]:
    """Every field the title schema requires, as strings (OMDb's way)."""
    return {
        "Title": entry.title,
        "Year": str(entry.year) if entry.kind == "movie" else f"{entry.year}–",
        "Rated": "PG-13",
        "Released": f"01 May {entry.year}",
        "Runtime": f"{entry.runtime} min",
        "Genre": ", ".join(entry.genres),
        "Director": "N/A" if entry.kind == "show" else "Some Director",
        "Writer": "Some Writer",
        "Actors": ", ".join(entry.cast),
        "Plot": f"{entry.overview} (OMDb)",
        "Language": "English",
        "Country": "United States",
        "Awards": "N/A",
        "Poster": f"https://m.media-amazon.com/images/M/{entry.imdb}.jpg",
        "Metascore": "73" if entry.kind == "movie" else "N/A",
        "imdbRating": f"{min(entry.rating + 0.1, 10):.1f}",
        "imdbVotes": "1,234,567",
        "imdbID": entry.imdb,
        "Type": _TYPES[entry.kind],
        **({"totalSeasons": str(len(entry.seasons))} if entry.kind == "show" else {}),
        "Response": "True",
    }


class FakeOmdb:
    """The route of the module docstring over the catalogue."""

    def __init__(self, api_key: str = API_KEY) -> None:
        self.api_key = api_key
        self.server = FakeServer(self.route)

    @property
    def base_url(self) -> str:
        """What `metadata.omdb_url` is set to."""
        return self.server.url

    def route(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: Any
    ) -> Answer:
        if path != "/":
            return Answer(404, {"Response": "False", "Error": "Not found"})
        if query.get("apikey") != self.api_key:
            return Answer(401, {"Response": "False", "Error": "Invalid API key!"})
        kind = {"movie": "movie", "series": "show"}.get(query.get("type", ""))
        if "s" in query:
            hits = search_catalogue(query["s"], kind)
            if not hits:
                return _miss("Movie not found!")
            results = [
                {
                    "Title": e.title,
                    "Year": str(e.year),
                    "imdbID": e.imdb,
                    "Type": _TYPES[e.kind],
                    "Poster": title_record(e)["Poster"],
                }  # fmt: skip
                for e in hits
            ]
            return Answer(200, {"Search": results, "totalResults": str(len(results)),
                                "Response": "True"})  # fmt: skip
        if "i" in query:
            entry = next((e for e in CATALOGUE if e.imdb == query["i"]), None)
            if entry is None:
                return _miss("Incorrect IMDb ID.")
            if "Season" in query and entry.kind == "show":
                return self._season(entry, int(query["Season"]))
            return Answer(200, title_record(entry))
        if "t" in query:
            hits = search_catalogue(query["t"], kind)
            year = query.get("y")
            hits = [e for e in hits if year is None or str(e.year) == year]
            return Answer(200, title_record(hits[0])) if hits else _miss("Movie not found!")
        return _miss("Incorrect IMDb ID.")

    def _season(self, entry: Title, season: int) -> Answer:
        episodes = entry.episodes(season)
        if not episodes:
            return _miss("Series or season not found!")
        return Answer(200, {
            "Title": entry.title,
            "Season": str(season),
            "totalSeasons": str(len(entry.seasons)),
            "Episodes": [
                {"Title": ep.title, "Released": f"{entry.year + season - 1}-04-01",
                 "Episode": str(ep.number), "imdbRating": "8.0",
                 "imdbID": f"{entry.imdb}{season:02d}{ep.number:02d}"}  # fmt: skip
                for ep in episodes
            ],
            "Response": "True",
        })  # fmt: skip
