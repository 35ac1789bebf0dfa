"""`PlexBackend`: one Plex Media Server as a source.

The source keeps, in `Source.settings` (never a token): the server's machine identifier, the
plex.tv account it came from (if any), its addresses and the one in use. Which address is used,
and following the server when it moves, is `server_address.ServerAddressing`'s part: every
request here goes through `on_address`, so a sync, a stream or a report made after the server
moved finds it at its new address.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any
from urllib.parse import urlencode

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.base import (
    BackendContext,
    Capability,
    MediaBackend,
    PlaybackEvent,
    ProgressCallback,
)
from reel_tui.engine.backends.plex.client import (
    PlexClient,
    client_identifier,
    container,
    decode,
    plex_headers,
)
from reel_tui.engine.backends.plex.library_sync import PlexLibrarySync
from reel_tui.engine.backends.plex.mapping import markers_from_metadata
from reel_tui.engine.backends.plex.server_address import (
    ServerAddressing,
    server_token_key,
)
from reel_tui.engine.backends.plex.transcode import (
    container_from_decision,
    download_params,
)
from reel_tui.engine.backends.plex.transcode import session_id as transcode_session_id
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads_quality import limits_of
from reel_tui.engine.errors import BackendError, ItemNotFoundError
from reel_tui.engine.models import Item, Marker, Progress, Source, SourceKind, Stream, SyncResult
from reel_tui.engine.secrets import SecretStore

_TIMELINE_STATES = {
    PlaybackEvent.PAUSE: "paused",
    PlaybackEvent.STOP: "stopped",
}


class PlexBackend(ServerAddressing, MediaBackend):
    """A Plex Media Server (owned or shared) reached through its best address."""

    kind = SourceKind.PLEX
    capabilities = (
        Capability.REMOTE | Capability.PROGRESS_SYNC | Capability.TRANSCODE | Capability.MARKERS
    )

    def __init__(
        self,
        source: Source,
        repo: Repository,
        *,
        network: NetworkSettings,
        secrets: SecretStore,
        client_id: str,
    ) -> None:
        super().__init__(source, repo)
        self.network = network
        self.secrets = secrets
        self.client_id = client_id
        self._client: PlexClient | None = None
        self._lock = threading.Lock()
        self._scrobbled: set[str] = set()

    @classmethod
    def create(cls, source: Source, context: BackendContext) -> PlexBackend:
        return cls(
            source,
            context.repo,
            network=context.config.network,
            secrets=context.secrets,
            client_id=client_identifier(context.repo),
        )

    def _call(self, method: str, path: str, params: dict[str, str | int]) -> Any:
        """One request, followed to another address if the one in use fails."""
        return self.on_address(lambda client: client.request(method, path, params=params))

    # MediaBackend --------------------------------------------------------------------------

    def check_connection(self) -> None:
        """Pick an address and check our token there."""
        self._call("GET", "/library/sections", {"X-Plex-Container-Size": 0})

    def sync(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncResult:
        """Bring the cache up to date (see `library_sync`); the cache is untouched on error."""

        def run(client: PlexClient) -> SyncResult:
            # A run that failed changed nothing, so one at another address starts afresh.
            return PlexLibrarySync(
                client, self.source, self.repo, progress=progress, cancel=cancel
            ).run(full=full)

        return self.on_address(run)

    def stream_for(self, item: Item) -> Stream:
        """Direct play of the item's part, or the server's transcode when it refuses that.

        The token goes in `Stream.headers`, never in the URL.
        """
        part_keys = item.details.get("part_keys") or []
        rating_key = item.remote_id
        if not part_keys or rating_key is None:
            raise ItemNotFoundError(f"{item.title} has no media to play")
        # The decision first: if the server moved, it finds the address the URL must use.
        direct = self._direct_play_allowed(rating_key)
        base_url = self.client().base_url
        url = f"{base_url}{part_keys[0]}"
        if not direct:
            url = self._transcode_url(base_url, rating_key)
        headers = plex_headers(self.client_id) | {"X-Plex-Token": self._token()}
        return Stream(
            url=url,
            title=item.title,
            item_id=item.id,
            headers=headers,
            duration_s=item.duration_s,
        )

    def _decision_params(self, rating_key: str) -> dict[str, str | int]:
        return {
            "path": f"/library/metadata/{rating_key}",
            "protocol": "http",
            "mediaIndex": 0,
            "partIndex": 0,
            "directPlay": 1,
            "directStream": 1,
            "hasMDE": 1,
        }

    def _direct_play_allowed(self, rating_key: str) -> bool:
        """Ask the universal transcoder's decision (older servers without it: direct play)."""
        try:
            response = self._call(
                "GET", "/video/:/transcode/universal/decision", self._decision_params(rating_key)
            )
        except BackendError:
            return True
        found = container(decode(response, self.what), response, self.what)
        code = found.get("directPlayDecisionCode")
        return code is None or str(code) == "1000"

    def _transcode_url(self, base_url: str, rating_key: str) -> str:
        params = self._decision_params(rating_key) | {
            "directPlay": 0,
            "session": uuid.uuid4().hex,
        }
        return f"{base_url}/video/:/transcode/universal/start.mkv?{urlencode(params)}"

    def download_stream(self, item: Item, quality: str) -> Stream:
        """A transcode of `item` within `quality`'s box and bitrate, as one file (see
        `transcode`): the decision is asked first, so a refusal comes back as SourceError."""
        rating_key = item.remote_id
        if not item.details.get("part_keys") or rating_key is None:
            raise ItemNotFoundError(f"{item.title} has no media to download")
        limits = limits_of(quality)
        session = transcode_session_id(self.client_id, item.id, quality)
        params = download_params(rating_key, session, limits)
        response = self._call("GET", "/video/:/transcode/universal/decision", params)
        found = container(decode(response, self.what), response, self.what)
        extension = container_from_decision(found, item.title, quality, self.what)
        base_url = self.client().base_url
        url = f"{base_url}/video/:/transcode/universal/start.{extension}?{urlencode(params)}"
        headers = plex_headers(self.client_id) | {
            "X-Plex-Token": self._token(),
            "X-Plex-Session-Identifier": session,
        }
        return Stream(
            url=url, title=item.title, item_id=item.id, headers=headers, duration_s=item.duration_s
        )

    def report_progress(self, item: Item, progress: Progress, event: PlaybackEvent) -> None:
        """Send a `/:/timeline` report (time and duration in milliseconds); scrobble once the
        session reports the item watched."""
        if item.remote_id is None:
            return
        params: dict[str, str | int] = {
            "ratingKey": item.remote_id,
            "key": f"/library/metadata/{item.remote_id}",
            "state": _TIMELINE_STATES.get(event, "playing"),
            "time": int(progress.position_s * 1000),
            "identifier": "com.plexapp.plugins.library",
        }
        duration = progress.duration_s or item.duration_s
        if duration:
            params["duration"] = int(duration * 1000)
        self._call("GET", "/:/timeline", params)
        # Past the watched threshold the session reports (0 s, watched): scrobble once, not on
        # every tick that follows.
        if progress.watched and progress.position_s == 0.0:
            if item.id not in self._scrobbled:
                self.set_watched(item, True)
                self._scrobbled.add(item.id)
        elif not progress.watched:
            self._scrobbled.discard(item.id)

    def set_watched(self, item: Item, watched: bool) -> None:
        """Scrobble (watched) or unscrobble the item on the server."""
        if item.remote_id is None:
            return
        path = "/:/scrobble" if watched else "/:/unscrobble"
        params: dict[str, str | int] = {
            "key": item.remote_id,
            "identifier": "com.plexapp.plugins.library",
        }
        self._call("GET", path, params)

    def markers(self, item: Item) -> tuple[Marker, ...]:
        """Intro and credits markers of the item, read from the server."""
        if item.remote_id is None:
            return ()
        response = self._call("GET", f"/library/metadata/{item.remote_id}", {"includeMarkers": 1})
        found = container(decode(response, self.what), response, self.what)
        for meta in found.get("Metadata") or []:
            if isinstance(meta, dict):
                return markers_from_metadata(meta)
        return ()

    def close(self) -> None:
        self.forget_address()

    def forget(self) -> None:
        """The server's access token goes with its source (the account token stays)."""
        self.secrets.delete(server_token_key(self.source.id))
