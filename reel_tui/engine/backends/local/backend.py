"""The local-files backend: a folder of videos (a mounted network share is a folder too).

Syncing is a scan (`local_sync.LocalSync`); playing is opening the file. DVD and Blu-ray
folders play through their ``VIDEO_TS/VIDEO_TS.IFO`` or ``BDMV/index.bdmv``, which mpv opens
as a disc. External subtitles next to a video (``Movie.en.srt``, ``Subs/Movie.srt``) go with
its stream.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from reel_tui.engine.backends.base import (
    BackendContext,
    Capability,
    MediaBackend,
    ProgressCallback,
)
from reel_tui.engine.backends.local.local_sync import LocalSync, library_id_of
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.errors import ItemNotFoundError, SourceUnavailableError
from reel_tui.engine.models import Item, Source, SourceKind, Stream, SyncResult

SUBTITLE_EXTENSIONS = frozenset({".srt", ".ass", ".ssa", ".vtt", ".sub", ".idx", ".sup"})
_SUBTITLE_FOLDERS = frozenset({"subs", "subtitles", "subtitle", "sub"})


class LocalBackend(MediaBackend):
    """A local folder as a source: one library whose items come from the file names.

    Args:
        source: The source (its location is the folder, its library_kind how names are read).
        repo: The cache.
        read_nfo: Let Kodi-style NFO files override the names (config `metadata.read_nfo`).
        enrich: Applied to every scan's items before they are written (the engine passes the
            metadata the cache already holds and the user's corrections); None: names only.
    """

    kind = SourceKind.LOCAL
    capabilities = Capability.LIVE_UPDATES

    def __init__(
        self,
        source: Source,
        repo: Repository,
        *,
        read_nfo: bool = True,
        enrich: Callable[[list[Item]], list[Item]] | None = None,
    ) -> None:
        super().__init__(source, repo)
        self.read_nfo = read_nfo
        self._enrich = enrich

    @classmethod
    def create(cls, source: Source, context: BackendContext) -> LocalBackend:
        return cls(source, context.repo, read_nfo=context.config.metadata.read_nfo)

    @property
    def library_id(self) -> str:
        return library_id_of(self.source.id)

    def sync(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncResult:
        """Scan the folder; only new and changed files are parsed unless `full`.

        Raises:
            SourceUnavailableError: the folder is missing, unreadable or empty (the library
                is then kept as it was).
            SyncCancelled: `cancel` was set; nothing was written.
        """
        run = LocalSync(
            self.source,
            self.repo,
            read_nfo=self.read_nfo,
            progress=progress,
            cancel=cancel,
            enrich=self._enrich,
        )
        return run.run(full=full)

    def stream_for(self, item: Item) -> Stream:
        """The item's main file (first part of the best version), with its subtitles."""
        path = item.path
        if path is None:
            raise ItemNotFoundError(f"{item.title} has no file to play")
        if not os.path.exists(path):
            raise SourceUnavailableError(
                f"{path} is missing (moved, deleted, or its drive or share is not mounted)"
            )
        return Stream(
            url=path,
            title=item.title,
            item_id=item.id,
            subtitle_files=tuple(sidecar_subtitles(path)),
            duration_s=item.duration_s,
        )


def sidecar_subtitles(video_path: str) -> list[str]:
    """Subtitle files named after a video, beside it or in a Subs/Subtitles folder beside it."""
    folder, name = os.path.split(video_path)
    stem = os.path.splitext(name)[0]
    if stem.lower() in ("video_ts", "index"):
        return []
    found: list[str] = []
    try:
        with os.scandir(folder or ".") as entries:
            listing = list(entries)
    except OSError:
        return []
    for entry in listing:
        base, extension = os.path.splitext(entry.name)
        if entry.is_dir() and entry.name.lower() in _SUBTITLE_FOLDERS:
            try:
                with os.scandir(entry.path) as sub_entries:
                    found += [
                        e.path
                        for e in sub_entries
                        if os.path.splitext(e.name)[1].lower() in SUBTITLE_EXTENSIONS
                        and e.name.startswith(stem)
                    ]
            except OSError:
                continue
        elif extension.lower() in SUBTITLE_EXTENSIONS and (
            base == stem or base.startswith(stem + ".")
        ):
            found.append(entry.path)
    return sorted(found)
