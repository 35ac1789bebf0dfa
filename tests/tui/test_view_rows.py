"""The library's rows read page by page: pages past the middle come from the far end, in the
same order as read from the start."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reel_tui.config_schema import Config
from reel_tui.engine.engine import Engine
from reel_tui.engine.models import (
    Item,
    ItemKind,
    LibraryKind,
    Progress,
    SortKey,
    Source,
    SourceKind,
)
from reel_tui.locations import resolve
from reel_tui.screens.library_view import (
    QUICK_SEARCH_OFFSET,
    QUICK_SKIP,
    QUICK_SKIP_FILTERED,
    LibraryView,
    ViewRows,
)

WORDS = ("night", "day", "river", "stone", "red", "king", "the last")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    data = tmp_path_factory.mktemp("rows") / "data"
    opened = Engine.open(Config(), resolve(data_dir=Path(data)))
    rng = random.Random(3)
    opened.repo.add_source(
        Source("s", SourceKind.JELLYFIN, "s", "http://127.0.0.1:9", LibraryKind.MIXED)
    )
    items = [
        Item(
            id=f"m{n}",
            source_id="s",
            library_id="s-lib",
            kind=ItemKind.MOVIE,
            title=f"{rng.choice(WORDS)} {rng.choice(WORDS)}".title(),  # many equal titles
            year=rng.choice([None, 1999, 2010]),
            added_at=float(rng.randrange(4)),
        )
        for n in range(333)
    ]
    opened.repo.upsert_items(items)
    for item in items[::5]:
        opened.repo.save_progress(Progress(item.id, 10.0, 100.0, watched=True))
    yield opened
    opened.close()


@pytest.mark.parametrize("sort", list(SortKey))
@pytest.mark.parametrize(
    "narrowing", [{}, {"watched": True}, {"search": "river"}], ids=["all", "watched", "search"]
)
def test_every_page_reads_as_the_whole_list_does(
    engine: Engine, sort: SortKey, narrowing: dict[str, object]
) -> None:
    view = replace(LibraryView(sort=sort), **narrowing)
    whole = [item.id for item in engine.list_items(view.query())]
    rows = ViewRows(engine, view)
    assert rows.count() == len(whole) > 40
    for offset in range(0, len(whole) + 20, 20):
        assert [item.id for item in rows.page(offset, 20)] == whole[offset : offset + 20]


def test_the_pages_a_list_reads_on_the_ui_thread_are_the_cheap_ones(engine: Engine) -> None:
    rows = ViewRows(engine, LibraryView())
    assert rows.is_quick(0)
    assert not rows.is_quick(QUICK_SKIP + 1)  # deep, and the count (to read from the end) unknown
    rows.count()
    assert rows.is_quick(300)  # the end of the list, read from there
    assert rows.is_quick(QUICK_SKIP + 1)
    for watched in (True, False):
        filtered = ViewRows(engine, LibraryView(watched=watched))
        assert filtered.is_quick(0) and not filtered.is_quick(QUICK_SKIP_FILTERED + 1)
    search = ViewRows(engine, LibraryView(search="river"))
    assert search.is_quick(0) and not search.is_quick(QUICK_SEARCH_OFFSET)
    year = ViewRows(engine, LibraryView(sort=SortKey.YEAR))
    year.count()
    assert not year.is_quick(QUICK_SKIP + 1)  # the year order is always read from its start
    show = ViewRows(
        engine, replace(LibraryView(), path=(engine.list_items(LibraryView().query())[0],))
    )
    assert not show.is_quick(0)  # a show's children: read whole, once, by a worker
    show.count()
    assert show.is_quick(0)
