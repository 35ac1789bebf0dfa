"""What the fake TMDB, TheTVDB and OMDb servers share: the HTTP loop, faults, a request log,
and the catalogue of titles they all describe.

Each fake is a real HTTP server on 127.0.0.1 (a port of its own) answering JSON in the shapes
of the provider's published document. Faults: ``server.fail(status, times, retry_after)``
answers the next requests with that status (429 with a Retry-After header, 500, 503 ...),
then the server answers normally again.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Episode:
    season: int
    number: int
    title: str


@dataclass(frozen=True)
class Title:
    """One movie or show, with ids in every database and what each describes."""

    kind: str
    """movie or show."""
    title: str
    year: int
    tmdb: int
    imdb: str
    tvdb: int | None = None
    original_title: str | None = None
    overview: str = ""
    genres: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    rating: float = 7.0
    runtime: int = 100
    seasons: tuple[int, ...] = ()
    """Episode count of each season (shows)."""

    @property
    def date(self) -> str:
        return f"{self.year}-05-01"

    def episodes(self, season: int) -> list[Episode]:
        if season < 1 or season > len(self.seasons):
            return []
        count = self.seasons[season - 1]
        return [Episode(season, n, f"{self.title} {season}x{n:02d}") for n in range(1, count + 1)]


CATALOGUE: tuple[Title, ...] = (
    Title("movie", "The Lion King", 1994, 8587, "tt0110357", overview="A lion cub flees.",
          genres=("Animation", "Family"), cast=("Matthew Broderick", "James Earl Jones"),
          rating=8.3, runtime=89),
    Title("movie", "The Lion King", 2019, 420818, "tt6105098", overview="Simba again, rendered.",
          genres=("Adventure", "Family"), cast=("Donald Glover", "Beyoncé"), rating=7.1,
          runtime=118),
    Title("movie", "Toy Story", 1995, 862, "tt0114709", overview="Woody and Buzz.",
          genres=("Animation", "Comedy"), cast=("Tom Hanks", "Tim Allen"), rating=8.0, runtime=81),
    Title("movie", "Toy Story 2", 1999, 863, "tt0120363", overview="Woody is stolen.",
          genres=("Animation", "Comedy"), cast=("Tom Hanks", "Tim Allen"), rating=7.6, runtime=92),
    Title("movie", "The Matrix", 1999, 603, "tt0133093", overview="A hacker learns the truth.",
          genres=("Action", "Science Fiction"), cast=("Keanu Reeves", "Laurence Fishburne"),
          rating=8.2, runtime=136),
    Title("movie", "Amélie", 2001, 194, "tt0211915",
          original_title="Le Fabuleux Destin d'Amélie Poulain",
          overview="A shy waitress helps others.", genres=("Comedy", "Romance"),
          cast=("Audrey Tautou", "Mathieu Kassovitz"), rating=7.9, runtime=122),
    Title("movie", "Dune", 1984, 841, "tt0087182", overview="Lynch's desert.",
          genres=("Science Fiction",), cast=("Kyle MacLachlan",), rating=6.3, runtime=137),
    Title("movie", "Dune", 2021, 438631, "tt1160419", overview="Villeneuve's desert.",
          genres=("Science Fiction",), cast=("Timothée Chalamet",), rating=7.8, runtime=155),
    Title("show", "The Office", 2001, 2996, "tt0290978", tvdb=78107, overview="Slough, UK.",
          genres=("Comedy",), cast=("Ricky Gervais",), rating=8.0, runtime=30, seasons=(6, 6)),
    Title("show", "The Office", 2005, 2316, "tt0386676", tvdb=73244, overview="Scranton, PA.",
          genres=("Comedy",), cast=("Steve Carell", "Rainn Wilson"), rating=8.6, runtime=22,
          seasons=(6, 22, 25, 19, 28, 26, 26, 24, 25)),
    Title("show", "Breaking Bad", 2008, 1396, "tt0903747", tvdb=81189,
          overview="A chemistry teacher turns.", genres=("Drama", "Crime"),
          cast=("Bryan Cranston", "Aaron Paul"), rating=8.9, runtime=47,
          seasons=(7, 13, 13, 13, 16)),
    Title("show", "Money Heist", 2017, 71446, "tt6468322", tvdb=327417,
          original_title="La casa de papel", overview="A heist in Madrid.",
          genres=("Crime", "Drama"), cast=("Úrsula Corberó", "Álvaro Morte"), rating=8.2,
          runtime=50, seasons=(9, 6)),
)  # fmt: skip


def words(text: str) -> set[str]:
    """Lower-case words without accents, for the fakes' forgiving title search."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in plain)
    return {w for w in cleaned.split() if w not in {"the", "a", "an", "le", "la", "de", "d"}}


def search_catalogue(query: str, kind: str | None) -> list[Title]:
    """Titles sharing a word with the query (real providers search about this loosely)."""
    wanted = words(query)
    found = []
    for entry in CATALOGUE:
        if kind is not None and entry.kind != kind:
            continue
        names = words(entry.title) | words(entry.original_title or "")
        if wanted & names:
            found.append(entry)
    return found


@dataclass
class Fault:
    status: int
    times: int
    retry_after: str | None = None


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    """A JSON-able value, or bytes sent as they are."""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[str, str, dict[str, str], dict[str, str], Any], Answer]
"""(method, path, query, headers, json body) -> Answer."""


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 that hands every request to `route`."""

    def __init__(self, route: Route) -> None:
        self._route = route
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.slow_paths: dict[str, float] = {}
        """Path prefix -> seconds to wait before answering (to overlap concurrent requests)."""
        self.requests: list[tuple[float, str, str, dict[str, str]]] = []
        """(monotonic time, method, path, query) of every request, in order."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def fail(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """Answer the next `times` requests with `status` (429 may carry a Retry-After)."""
        with self._lock:
            self._faults.append(Fault(status, times, retry_after))

    def clear_faults(self) -> None:
        """Answer normally from now on."""
        with self._lock:
            self._faults.clear()

    def paths(self) -> list[str]:
        """The paths asked so far (for checking what the cache saved)."""
        with self._lock:
            return [path for _, _, path, _ in self.requests]

    def _take_fault(self) -> Fault | None:
        with self._lock:
            while self._faults and self._faults[0].times <= 0:
                self._faults.pop(0)
            if not self._faults:
                return None
            self._faults[0].times -= 1
            return self._faults[0]

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass  # keep test output clean

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                with fake._lock:
                    fake.requests.append((time.monotonic(), method, parts.path, query))
                delay = next(
                    (s for prefix, s in fake.slow_paths.items() if parts.path.startswith(prefix)),
                    0.0,
                )
                if delay:
                    time.sleep(delay)
                fault = fake._take_fault()
                if fault is not None:
                    headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                    answer = Answer(
                        fault.status, {"error": f"injected {fault.status}"}, headers=headers
                    )
                else:
                    try:
                        body = json.loads(raw) if raw else None
                    except ValueError:
                        body = None
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    answer = fake._route(method, parts.path, query, headers, body)
                self._send(answer)

            def _send(self, answer: Answer) -> None:
                if isinstance(answer.body, bytes):
                    payload = answer.body
                else:
                    payload = json.dumps(answer.body, ensure_ascii=False).encode("utf-8")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def not_found(message: str = "not found") -> Answer:
    return Answer(404, {"success": False, "status_message": message})


def serving(server: FakeServer) -> Iterator[FakeServer]:
    """A pytest fixture body: start, yield, stop."""
    with server:
        yield server
