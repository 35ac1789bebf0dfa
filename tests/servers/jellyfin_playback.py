"""Playback endpoints of the fake Jellyfin server: PlaybackInfo, streams, images, reports.

Registered into `jellyfin_routes`' table when this module is imported (the handler does).
Playback reports change user data the way Jellyfin's SessionManager and UserDataManager do
with default settings (`UserDataManager.UpdatePlayState`): a start counts a play, stamps
LastPlayedDate and unmarks the item; a progress or stop report with a position before 5% of
the runtime forgets the position, past 90% (or at the runtime, or anywhere in between on an
item shorter than 300 s) marks the item played; a position of 0 leaves the played flag as it
was. A stop with no position counts a play and marks the item played; a progress report with
no position changes nothing.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from tests.servers import jellyfin_dto as dto
from tests.servers import jellyfin_transcode as transcode
from tests.servers.jellyfin_library import TICKS_PER_SECOND, UserDataRecord, now, parse_date
from tests.servers.jellyfin_routes import ApiRequest, Reply, own_user, problem, route
from tests.servers.tiny_png import gradient_png
from tests.servers.transcoded import CONTENT_TYPES, transcoded

if TYPE_CHECKING:
    from tests.servers.jellyfin import FakeJellyfinServer

MIN_RESUME_PCT = 5.0
MAX_RESUME_PCT = 90.0
MIN_RESUME_DURATION_S = 300


def _direct_play_possible(profile: Any) -> bool:
    """Whether a DeviceProfile's DirectPlayProfiles accept an mkv / h264 / aac file."""
    if not isinstance(profile, dict) or not isinstance(profile.get("DirectPlayProfiles"), list):
        return True

    def accepts(value: Any, wanted: str) -> bool:
        return not value or wanted in [v.strip().lower() for v in str(value).split(",")]

    return any(
        p.get("Type", "Video") == "Video"
        and accepts(p.get("Container"), "mkv")
        and accepts(p.get("VideoCodec"), "h264")
        and accepts(p.get("AudioCodec"), "aac")
        for p in profile["DirectPlayProfiles"]
        if isinstance(p, dict)
    )


@route("GET POST", "/items/{item}/playbackinfo")
def playback_info(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET POST /items/{itemId}/playbackinfo."""
    record = server.store.get(request.params["item"])
    if record is None or record.kind not in ("Movie", "Episode"):
        return problem(404, "Item not found")
    limits = transcode.requested_limits(request)
    direct = (
        server.direct_play_allowed
        and request.flag("enableDirectPlay", True) is not False
        and request.body_value("EnableDirectPlay") is not False
        and _direct_play_possible(request.body_value("DeviceProfile"))
        and not transcode.exceeds(server.clip(), limits)
    )
    play_session = secrets.token_hex(16)
    transcoding = None
    if not direct:
        token = request.session.token if request.session else ""
        transcoding = (
            f"/videos/{record.id}/stream.mkv?DeviceId=fake&MediaSourceId={record.id}"
            f"&VideoCodec=h264&AudioCodec=aac&PlaySessionId={play_session}"
            f"{transcode.transcoding_query(server.clip(), limits)}"
            f"&static=false&TranscodeReasons=ContainerNotSupported&ApiKey={token}"
        )
    source = dto.media_source(
        record, server.clip(), direct_play=direct, transcoding_url=transcoding
    )
    return Reply(json={"MediaSources": [source], "PlaySessionId": play_session})


@route("GET HEAD", r"/videos/{item}/stream(\.\w+)?", auth=False)
def stream(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET/HEAD /Videos/{itemId}/stream and /stream.{container}: the clip, ranged,
    or with static=false and size or bitrate limits, a real transcode of it."""
    record = server.store.get(request.params["item"])
    if record is None or record.kind not in ("Movie", "Episode"):
        return problem(404, "Item not found")
    extension = request.path.rpartition("/stream")[2].lstrip(".") or None
    target = transcode.stream_target(request, extension)
    if target is not None:
        made = transcoded(server.clip().path, target)
        server.transcodes.append((record.id, made))
        return Reply(file=made, content_type=CONTENT_TYPES[target.container], transcode=True)
    return Reply(file=server.clip().path, content_type="video/x-matroska")


@route("GET HEAD", r"/items/{item}/images/(?P<kind>\w+)(/\d+)?", auth=False)
def image(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers GET/HEAD /Items/{itemId}/Images/{imageType}[/{imageIndex}] with a PNG."""
    record = server.store.get(request.params["item"])
    kind = request.params["kind"]
    backdrop = kind == "backdrop" and record is not None and record.kind in ("Movie", "Series")
    if record is None or not (kind == "primary" or backdrop):
        return problem(404, "Image not found")
    return Reply(
        raw=gradient_png(f"{record.id}:{kind}:{record.image_tag}"),
        content_type="image/png",
        headers={"Cache-Control": "public", "ETag": f'"{record.image_tag}"'},
    )


def position_of(request: ApiRequest) -> int | None:
    value = request.body_value("PositionTicks")
    return int(value) if isinstance(value, int | float) else None


@route("POST", "/sessions/playing")
def playing_start(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /sessions/playing."""
    item_id = server.record_report("start", request)
    if item_id:

        def start(data: UserDataRecord) -> None:
            data.play_count += 1
            data.last_played = now()
            data.played = False

        server.store.update_user_data(item_id, start)
    return Reply(204)


def update_play_state(data: UserDataRecord, position: int, runtime: int) -> None:
    """Jellyfin's UpdatePlayState for a video: where a reported position leaves the item."""
    if position > 0 and runtime > 0:
        percent = 100.0 * position / runtime
        if percent < MIN_RESUME_PCT:
            position = 0
        elif (
            percent > MAX_RESUME_PCT
            or position >= runtime
            or runtime < MIN_RESUME_DURATION_S * TICKS_PER_SECOND  # too short to resume
        ):
            position, data.played = 0, True
    elif runtime <= 0:
        # Without a runtime Jellyfin assumes the item was played to the end.
        position, data.played = 0, True
    data.position_ticks = position


@route("POST", "/sessions/playing/progress")
def playing_progress(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /sessions/playing/progress."""
    item_id, position = server.record_report("progress", request), position_of(request)
    record = server.store.get(item_id) if item_id else None
    if record is not None and position is not None:

        def progress(data: UserDataRecord) -> None:
            update_play_state(data, position, record.runtime_ticks or 0)

        server.store.update_user_data(record.id, progress)
    return Reply(204)


@route("POST", "/sessions/playing/stopped")
def playing_stopped(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST /sessions/playing/stopped."""
    item_id, position = server.record_report("stopped", request), position_of(request)
    record = server.store.get(item_id) if item_id else None
    if record is None:
        return Reply(204)

    def stop(data: UserDataRecord) -> None:
        if position is None:
            # SessionManager.OnPlaybackStopped: a client that cannot tell where it stopped
            # is taken to have played the item to the end.
            data.play_count += 1
            data.played, data.position_ticks = True, 0
        else:
            update_play_state(data, position, record.runtime_ticks or 0)

    server.store.update_user_data(record.id, stop)
    return Reply(204)


@route("POST DELETE", "/userplayeditems/{item}")
@route("POST DELETE", "/users/{user}/playeditems/{item}")
def played_items(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST (played) and DELETE (unplayed) on /UserPlayedItems/{itemId} and legacy."""
    record = server.store.get(request.params["item"])
    if record is None:
        return problem(404, "Item not found")
    denied = own_user(server, request)
    if denied:
        return denied
    when = request.text("datePlayed")
    server.set_played(
        record.id, request.method == "POST", played_at=parse_date(when) if when else None
    )
    return Reply(json=dto.user_data_dto(server.store, record))


@route("POST DELETE", "/userfavoriteitems/{item}")
@route("POST DELETE", "/users/{user}/favoriteitems/{item}")
def favorite_items(server: FakeJellyfinServer, request: ApiRequest) -> Reply:
    """Answers POST (favourite) and DELETE on /UserFavoriteItems/{itemId} and legacy."""
    record = server.store.get(request.params["item"])
    if record is None:
        return problem(404, "Item not found")
    denied = own_user(server, request)
    if denied:
        return denied
    favorite = request.method == "POST"

    def change(data: UserDataRecord) -> None:
        data.favorite = favorite

    server.store.update_user_data(record.id, change)
    return Reply(json=dto.user_data_dto(server.store, record))
