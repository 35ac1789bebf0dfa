"""The Jellyfin backend: a signed-in user on one Jellyfin server.

Connecting checks that the server at the source's address is still the one it was added with
(its id from /System/Info/Public), so a different server at the same address is never synced
into this source. The token comes from the secret store and travels only in headers.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.base import (
    BackendContext,
    Capability,
    MediaBackend,
    PlaybackEvent,
    ProgressCallback,
)
from reel_tui.engine.backends.jellyfin.client import TICKS_PER_SECOND, JellyfinClient, auth_header
from reel_tui.engine.backends.jellyfin.library_sync import (
    LibrarySync,
)
from reel_tui.engine.backends.jellyfin.playback import PLAYBACK_INFO_BODY, stream_from_info
from reel_tui.engine.backends.jellyfin.signin import device_id, public_info, secret_key
from reel_tui.engine.backends.jellyfin.transcode import (
    download_playback_body,
    download_url_from_info,
)
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads_quality import limits_of
from reel_tui.engine.errors import AuthError, ItemNotFoundError, SourceError
from reel_tui.engine.http import decode_json
from reel_tui.engine.models import Item, Progress, Source, SourceKind, Stream, SyncResult
from reel_tui.engine.secrets import SecretStore

_EVENT_NAMES = {
    PlaybackEvent.PAUSE: "pause",
    PlaybackEvent.UNPAUSE: "unpause",
    PlaybackEvent.SEEK: "timeupdate",
    PlaybackEvent.PROGRESS: "timeupdate",
}


def _close_open(holder: list[JellyfinClient | None]) -> None:
    client, holder[0] = holder[0], None
    if client is not None:
        client.close()


class JellyfinBackend(MediaBackend):
    """One Jellyfin user's libraries on one server.

    Args:
        source: The source (location: the base URL; settings: server_id, user_id, username).
        repo: The cache.
        secrets: Where the access token is kept (key `jellyfin:<source id>`).
        network: Timeouts and retries.
    """

    kind = SourceKind.JELLYFIN
    capabilities = Capability.REMOTE | Capability.PROGRESS_SYNC | Capability.TRANSCODE

    def __init__(
        self,
        source: Source,
        repo: Repository,
        *,
        secrets: SecretStore,
        network: NetworkSettings,
        timeout_s: float | None = None,
    ) -> None:
        super().__init__(source, repo)
        self.secrets = secrets
        self.network = network
        self.timeout_s = timeout_s
        """Overrides the network timeout (tests, probing)."""
        self.sweep_every = 6
        """Every how many incremental syncs the server's ids are listed to find deletions."""
        self.page_size = 1000
        self._lock = threading.Lock()
        self._client: JellyfinClient | None = None
        # The engine drops backends without closing them: the open connection pool is closed
        # with the backend rather than leaking its sockets.
        self._open: list[JellyfinClient | None] = [None]
        weakref.finalize(self, _close_open, self._open)
        self._play_sessions: dict[str, str] = {}
        self._marked_played: set[str] = set()
        """Items marked played on the server during their current playback."""

    @classmethod
    def create(cls, source: Source, context: BackendContext) -> JellyfinBackend:
        return cls(source, context.repo, secrets=context.secrets, network=context.config.network)

    # connection ----------------------------------------------------------------------------

    @property
    def user_id(self) -> str:
        return str(self.source.settings.get("user_id") or "")

    def _token(self) -> str:
        token = self.secrets.get(secret_key(self.source.id))
        if not token:
            raise AuthError(
                f"No saved sign-in for {self.source.name} ({self.source.location}): sign in again"
            )
        return token

    def _connect(self) -> JellyfinClient:
        """A client for this source, after checking the server is still the same one."""
        with self._lock:
            if self._client is not None:
                return self._client
            client = JellyfinClient(
                self.source.location,
                self.network,
                device_id=device_id(self.repo),
                token=self._token(),
                timeout_s=self.timeout_s,
            )
            try:
                self._check_server(client)
            except BaseException:
                client.close()
                raise
            self._client = self._open[0] = client
            return client

    def _check_server(self, client: JellyfinClient) -> None:
        expected = str(self.source.settings.get("server_id") or "")
        found = public_info(client)
        if expected and found.server_id != expected:
            raise SourceError(
                f"The server at {client.url} is not the one added as {self.source.name}: its id "
                f"is {found.server_id}, expected {expected}. Nothing was synced; if the server "
                "was reinstalled, remove this source and add it again."
            )

    def forget(self) -> None:
        """The access token goes with the source."""
        self.secrets.delete(secret_key(self.source.id))

    def close(self) -> None:
        self.disconnect()

    def disconnect(self) -> None:
        """Close the connection; the next request connects (and checks the server) again."""
        with self._lock:
            client, self._client = self._client, None
            self._open[0] = None
        if client is not None:
            client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        """A request on the open connection; on failure the connection is dropped."""
        client = self._connect()
        try:
            if method == "GET":
                return client.get_json(path, kwargs.get("params"))
            return client.request(method, path, **kwargs)
        except Exception:
            self.disconnect()
            raise

    def check_connection(self) -> None:
        """Raise SourceUnavailableError, AuthError or SourceError when the server can't be used."""
        self.disconnect()
        self._call("GET", f"/Users/{self.user_id}")

    # sync ----------------------------------------------------------------------------------

    def sync(
        self,
        *,
        full: bool = False,
        progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> SyncResult:
        """Bring the cache up to date (see `library_sync`); errors leave the cache as it was.

        Raises:
            SourceUnavailableError: the server cannot be reached (browse the cache meanwhile).
            AuthError: the token was revoked: sign in again (the cache is kept).
            SourceError: a different server answers at the source's address.
            BackendError / MalformedResponseError: the server answered something unusable.
            SyncCancelled: `cancel` was set.
        """
        self.disconnect()  # every sync connects afresh, checking the server id
        client = self._connect()
        run = LibrarySync(
            self.source,
            self.repo,
            client,
            page_size=self.page_size,
            sweep_every=self.sweep_every,
            progress=progress,
            cancel=cancel,
        )
        try:
            return run.run(full=full)
        finally:
            # Syncs are minutes or hours apart: no point keeping their connections open.
            self.disconnect()

    def image_url(self, item: Item, kind: str = "Primary", max_width: int = 400) -> str | None:
        """The URL of an item's image (no token needed: Jellyfin serves images publicly)."""
        tags = item.details.get("image_tags") or {}
        tag = tags.get(kind)
        remote = item.remote_id
        if not tag or not remote:
            return None
        base = self.source.location.rstrip("/")
        return f"{base}/Items/{remote}/Images/{kind}?tag={tag}&maxWidth={max_width}"

    # playback ------------------------------------------------------------------------------

    def _remote_id(self, item: Item) -> str:
        if item.remote_id is None or item.source_id != self.source.id:
            raise ItemNotFoundError(f"{item.title} is not an item of {self.source.name}")
        return item.remote_id

    def stream_for(self, item: Item) -> Stream:
        """Ask PlaybackInfo: direct play when the server allows it, else its transcode URL."""
        remote = self._remote_id(item)
        if not item.playable:
            raise ItemNotFoundError(f"{item.title} cannot be played itself (pick an episode)")
        response = self._call(
            "POST",
            f"/Items/{remote}/PlaybackInfo",
            params={"userId": self.user_id},
            json=PLAYBACK_INFO_BODY,
        )
        client = self._connect()
        info = client.expect_object(decode_json(response, client.what), "PlaybackInfo")
        stream, play_session = stream_from_info(info, item, remote, client.url, client.what)
        if play_session:
            self._play_sessions[item.id] = play_session
        token = self._token()
        return Stream(
            url=stream,
            title=item.title,
            item_id=item.id,
            headers={"Authorization": auth_header(device_id(self.repo), token)},
            duration_s=item.duration_s,
        )

    def download_stream(self, item: Item, quality: str) -> Stream:
        """A transcode of `item` within `quality`'s box and bitrate, as one Matroska file.

        Asked through PlaybackInfo with a download device profile (see `transcode`); raises
        SourceError when the server will not transcode it for this user.
        """
        remote = self._remote_id(item)
        if not item.playable:
            raise ItemNotFoundError(f"{item.title} cannot be played itself (pick an episode)")
        limits = limits_of(quality)
        response = self._call(
            "POST",
            f"/Items/{remote}/PlaybackInfo",
            params={"userId": self.user_id, "maxStreamingBitrate": limits.total_bitrate},
            json=download_playback_body(limits),
        )
        client = self._connect()
        info = client.expect_object(decode_json(response, client.what), "PlaybackInfo")
        url = download_url_from_info(info, item, client.url, client.what, quality, limits)
        return Stream(
            url=url,
            title=item.title,
            item_id=item.id,
            headers={"Authorization": auth_header(device_id(self.repo), self._token())},
            duration_s=item.duration_s,
        )

    def report_progress(self, item: Item, progress: Progress, event: PlaybackEvent) -> None:
        """Send a start, progress or stop report (positions in ticks of 100 ns).

        Once the session reports the item watched (its position back at 0), Jellyfin is told
        it was played (`/UserPlayedItems`) and no report carries that 0: Jellyfin reads a
        position of 0 as "barely started", and a start report unmarks a played item. The stop
        of a finished item reports its full runtime, which Jellyfin counts as played to the end.
        """
        remote = self._remote_id(item)
        finished = progress.watched and progress.position_s == 0.0
        if event is PlaybackEvent.START:
            self._marked_played.discard(item.id)
            self._call(
                "POST",
                "/Sessions/Playing",
                json=self._report_body(remote, item.id, progress, event),
            )
            if progress.watched:
                # Replaying a watched item: Jellyfin's start just unmarked it; Reel keeps it.
                self._mark_played_once(item, remote)
            return
        if progress.watched:
            # Before the report: marking played resets the server's position.
            self._mark_played_once(item, remote)
        else:
            self._marked_played.discard(item.id)
        body = self._report_body(remote, item.id, progress, event)
        if finished:
            duration = progress.duration_s or item.duration_s
            if event is PlaybackEvent.STOP and duration:
                body["PositionTicks"] = round(duration * TICKS_PER_SECOND)
            else:
                # A progress report without a position changes nothing on the server; a stop
                # without one counts as played to the end.
                del body["PositionTicks"]
        if event is PlaybackEvent.STOP:
            self._call("POST", "/Sessions/Playing/Stopped", json=body)
            self._play_sessions.pop(item.id, None)
            self._marked_played.discard(item.id)
        else:
            body["EventName"] = _EVENT_NAMES[event]
            self._call("POST", "/Sessions/Playing/Progress", json=body)

    def _report_body(
        self, remote: str, item_id: str, progress: Progress, event: PlaybackEvent
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ItemId": remote,
            "MediaSourceId": remote,
            "PositionTicks": round(progress.position_s * TICKS_PER_SECOND),
            "CanSeek": True,
            "IsPaused": event is PlaybackEvent.PAUSE,
            "PlayMethod": "DirectPlay",
        }
        session = self._play_sessions.get(item_id)
        if session:
            body["PlaySessionId"] = session
        return body

    def _mark_played_once(self, item: Item, remote: str) -> None:
        """Mark the item played, once per playback (the reports after it keep it played)."""
        if item.id in self._marked_played:
            return
        self._call("POST", f"/UserPlayedItems/{remote}", params={"userId": self.user_id})
        self._marked_played.add(item.id)

    def set_watched(self, item: Item, watched: bool) -> None:
        """Mark the item played (POST) or unplayed (DELETE) on the server."""
        remote = self._remote_id(item)
        self._marked_played.discard(item.id)
        self._call(
            "POST" if watched else "DELETE",
            f"/UserPlayedItems/{remote}",
            params={"userId": self.user_id},
        )
