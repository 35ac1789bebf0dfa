"""A 100k-item cache for the UI benchmarks, written straight through the repository.

Two server sources (a Jellyfin and a Plex one) whose addresses refuse connections, so that
anything the app tried to fetch at start-up would fail instead of quietly succeeding: the
library can only come from the cache. Titles are made of common words so that a search
narrows the list the way a real one does (a few words match thousands, most match dozens).

Usage: ``python -m benchmarks.ui_cache DATA_DIR [--items N]`` builds `DATA_DIR/cache.db`.
"""

from __future__ import annotations

import argparse
import atexit
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.models import (
    Item,
    ItemKind,
    ItemQuery,
    LibraryKind,
    MediaFile,
    Progress,
    Source,
    SourceKind,
)

#: Ports nothing listens on: port 9 (discard) is closed on these machines.
UNREACHABLE = ("http://127.0.0.1:9", "http://127.0.0.1:7")

_WORDS = (  # noqa: SIM905 (a sentence reads better than 80 quoted words)
    "night day red blue dark light last first city river road house war peace love lost "
    "star moon sun storm winter summer iron glass silver golden king queen ghost shadow "
    "secret hidden broken silent wild long short deep cold fire water stone heart dream "
    "empire return rise fall edge world time north south east west garden machine "
    "island mountain ocean desert forest train station hotel letter song dance game hunter "
    "stranger brother sister father mother child friend enemy soldier doctor thief angel"
).split(" ")


def make_items(source_id: str, count: int, seed: int) -> list[Item]:
    """`count` movies with two-to-four-word titles, years, lengths and added dates."""
    rng = random.Random(seed)
    items = []
    for number in range(count):
        words = rng.sample(_WORDS, rng.randint(2, 4))
        title = " ".join(words).title() + f" {number}"
        items.append(
            Item(
                id=f"{source_id}-{number:06d}",
                source_id=source_id,
                library_id=f"{source_id}-lib",
                kind=ItemKind.MOVIE,
                title=title,
                year=1930 + rng.randrange(95),
                duration_s=float(rng.randrange(4_000, 10_000)),
                files=(MediaFile(f"/media/{source_id}/{title}.mkv", size=1),),
                added_at=1_700_000_000.0 + number,
                remote_id=str(number),
            )
        )
    return items


def build_cache(data_dir: Path, items: int = 100_000, *, seed: int = 1) -> Path:
    """Write `data_dir/cache.db` with `items` movies split over two unreachable servers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "cache.db"
    repo = Repository.open(path)
    try:
        halves = (items // 2, items - items // 2)
        kinds = (SourceKind.JELLYFIN, SourceKind.PLEX)
        for index, (kind, url, count) in enumerate(zip(kinds, UNREACHABLE, halves, strict=True)):
            source = repo.add_source(
                Source(
                    id=f"bench-{kind.value}",
                    kind=kind,
                    name=f"Unreachable {kind.value}",
                    location=url,
                    library_kind=LibraryKind.MOVIES,
                    created_at=time.time(),
                    last_sync_at=time.time(),
                )
            )
            batch = make_items(source.id, count, seed + index)
            repo.replace_items(source.id, batch)
            # A few watched and started items, so the marks and the filter have work to do.
            for item in batch[:: max(1, count // 200)]:
                repo.save_progress(
                    Progress(item.id, position_s=60.0, watched=len(item.title) % 2 == 0)
                )
    finally:
        repo.close()
    return path


_SHARED: dict[int, Path] = {}


def shared_cache(items: int) -> Path:
    """A data folder with a cache of `items` movies, built once per process (the UI
    benchmarks share it) in a temporary folder removed when the process exits."""
    if items not in _SHARED:
        folder = tempfile.TemporaryDirectory(prefix="reel-ui-cache-")
        atexit.register(folder.cleanup)
        _SHARED[items] = Path(folder.name) / "data"
        build_cache(_SHARED[items], items)
    return _SHARED[items]


def first_title(data_dir: Path) -> str:
    """The title the library shows first (movies, title order): what a start waits for."""
    repo = Repository.open(data_dir / "cache.db")
    try:
        first = repo.list_items(ItemQuery(kinds=(ItemKind.MOVIE,), limit=1))
    finally:
        repo.close()
    return first[0].title


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    path = build_cache(args.data_dir, args.items)
    print(f"{path}: {args.items} items in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
