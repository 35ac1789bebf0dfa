"""Reading the servers' transcode answers: recorded PMS decisions and Jellyfin PlaybackInfo."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reel_tui.engine.backends.jellyfin.transcode import download_url_from_info
from reel_tui.engine.backends.plex.transcode import container_from_decision
from reel_tui.engine.downloads_quality import LIMITS, Quality
from reel_tui.engine.errors import SourceError
from reel_tui.engine.models import Item, ItemKind
from tests.servers.plex_spec import SPECS as PLEX_SPECS

LOW = LIMITS[Quality.LOW]
MOVIE = Item(id="m", source_id="s", library_id="l", kind=ItemKind.MOVIE, title="Arrival")


def recorded_decision(name: str) -> dict[str, Any]:
    path = PLEX_SPECS / "fixtures" / "plex-api-rs" / f"transcode__{name}.json"
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))["MediaContainer"]
    return found


def test_a_recorded_offline_conversion_is_downloaded_as_mp4() -> None:
    decision = recorded_decision("video_offline_h264_mp3")
    assert container_from_decision(decision, "Wakanda", "480p", "Plex server Home") == "mp4"


def test_a_recorded_direct_play_answer_is_a_refusal_to_convert() -> None:
    with pytest.raises(SourceError, match="would not transcode Reign of Fire to 480p"):
        container_from_decision(
            recorded_decision("video_offline_refused"), "Reign of Fire", "480p", "Plex server Home"
        )


def test_a_server_refusing_downloads_says_so() -> None:
    decision = {"generalDecisionCode": 2011, "generalDecisionText": "Downloads not allowed"}
    with pytest.raises(SourceError, match="does not allow downloads to this account"):
        container_from_decision(decision, "Arrival", "720p", "Plex server Home")


def test_jellyfin_keeps_its_limits_and_drops_the_token() -> None:
    info = {
        "MediaSources": [
            {"TranscodingUrl": "/videos/abc/stream.mkv?static=false&MaxHeight=360&ApiKey=secret"}
        ]
    }
    url = download_url_from_info(info, MOVIE, "http://jf:8096", "Jellyfin", "480p", LOW)
    assert url.startswith("http://jf:8096/videos/abc/stream.mkv?")
    assert "secret" not in url and "MaxHeight=360" in url and "MaxHeight=480" not in url
    assert "MaxWidth=854" in url and "VideoBitrate=1500000" in url


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"SupportsTranscoding": False}, "offered no 480p transcode of Arrival"),
        ({"TranscodingUrl": "/videos/abc/master.m3u8?x=1"}, "only as HLS segments"),
    ],
)
def test_jellyfin_without_a_single_file_transcode_refuses(
    source: dict[str, Any], message: str
) -> None:
    with pytest.raises(SourceError, match=message):
        download_url_from_info(
            {"MediaSources": [source]}, MOVIE, "http://jf:8096", "Jellyfin", "480p", LOW
        )
