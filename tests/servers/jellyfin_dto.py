"""JSON bodies of the fake Jellyfin server, shaped like Jellyfin 10.11's DTOs.

Shapes follow the components/schemas of `jellyfin-openapi-10.11.11.json` (which forbid
unknown properties) and the recorded server output in `specs/jellyfin/fixtures`: ids are 32
hex digits without dashes (Jellyfin's "N" Guid format), dates have seven fractional digits,
optional fields appear only when `Fields` asks for them, as in Jellyfin's DtoService.
"""

from __future__ import annotations

from typing import Any

from tests.servers.clips import ClipInfo
from tests.servers.jellyfin_library import TICKS_PER_SECOND, ItemRecord, iso_date
from tests.servers.jellyfin_store import ItemStore

SERVER_VERSION = "10.11.11"
ITEM_FIELDS = (
    "AirTime", "CanDelete", "CanDownload", "ChannelInfo", "Chapters", "Trickplay", "ChildCount",
    "CumulativeRunTimeTicks", "CustomRating", "DateCreated", "DateLastMediaAdded",
    "DisplayPreferencesId", "Etag", "ExternalUrls", "Genres", "ItemCounts", "MediaSourceCount",
    "MediaSources", "OriginalTitle", "Overview", "ParentId", "Path", "People", "PlayAccess",
    "ProductionLocations", "ProviderIds", "PrimaryImageAspectRatio", "RecursiveItemCount",
    "Settings", "SeriesStudio", "SortName", "SpecialEpisodeNumbers", "Studios", "Taglines",
    "Tags", "RemoteTrailers", "MediaStreams", "SeasonUserData", "DateLastRefreshed",
    "DateLastSaved", "RefreshState", "ChannelImage", "EnableMediaSourceDisplay", "Width",
    "Height", "ExtraIds", "LocalTrailerCount", "IsHD", "SpecialFeatureCount",
)  # fmt: skip
"""Every ItemFields value, in the document's order."""
ALL_FIELDS = frozenset(ITEM_FIELDS)
_FIELD_BY_LOWER = {name.lower(): name for name in ITEM_FIELDS}


def parse_fields(values: list[str]) -> frozenset[str]:
    """ItemFields names from query values (comma lists, any case); unknown names dropped."""
    found = set()
    for value in values:
        for part in value.split(","):
            name = _FIELD_BY_LOWER.get(part.strip().lower())
            if name:
                found.add(name)
    return frozenset(found)


def user_data_dto(store: ItemStore, record: ItemRecord) -> dict[str, Any]:
    """The UserItemDataDto of an item for the server's one user."""
    data = store.user_data_of(record)
    dto: dict[str, Any] = {
        "PlaybackPositionTicks": data.position_ticks,
        "PlayCount": data.play_count,
        "IsFavorite": data.favorite,
        "Played": store.is_played(record),
        "Key": record.provider_ids.get("Tmdb") or record.id,
        "ItemId": record.id,
    }
    if data.last_played is not None:
        dto["LastPlayedDate"] = iso_date(data.last_played)
    if record.runtime_ticks and data.position_ticks:
        dto["PlayedPercentage"] = round(100.0 * data.position_ticks / record.runtime_ticks, 4)
    if record.kind in ("Series", "Season"):
        dto["UnplayedItemCount"] = store.unplayed_count(record)
    return dto


def _media_path(record: ItemRecord) -> str:
    if record.kind == "Episode":
        return (
            f"/media/shows/{record.series_name}/Season {record.parent_index_number:02d}/"
            f"{record.series_name} S{record.parent_index_number:02d}E{record.index_number:02d}.mkv"
        )
    if record.kind == "Movie":
        return f"/media/movies/{record.name} ({record.production_year})/{record.name}.mkv"
    if record.kind == "Series":
        return f"/media/shows/{record.series_name or record.name}"
    return f"/media/{record.name}"


def media_streams(clip: ClipInfo) -> list[dict[str, Any]]:
    """MediaStream objects describing the real clip, as Jellyfin's probe reports them."""
    streams = []
    for probed in clip.streams:
        kind = {"video": "Video", "audio": "Audio", "subtitle": "Subtitle"}.get(
            probed.get("codec_type", ""), "Data"
        )
        tags = probed.get("tags", {})
        default = bool(probed.get("disposition", {}).get("default"))
        stream: dict[str, Any] = {
            "Codec": probed.get("codec_name"),
            "Language": tags.get("language"),
            "TimeBase": probed.get("time_base"),
            "Title": tags.get("title"),
            "VideoRange": "SDR" if kind == "Video" else "Unknown",
            "VideoRangeType": "SDR" if kind == "Video" else "Unknown",
            "AudioSpatialFormat": "None",
            "IsInterlaced": False,
            "IsDefault": default,
            "IsForced": False,
            "IsHearingImpaired": False,
            "Type": kind,
            "Index": int(probed["index"]),
            "IsExternal": False,
            "IsTextSubtitleStream": kind == "Subtitle",
            "SupportsExternalStream": kind == "Subtitle",
        }
        if kind == "Video":
            height = int(probed.get("height", 0))
            stream.update(
                Width=int(probed.get("width", 0)),
                Height=height,
                Profile=probed.get("profile"),
                Level=float(probed.get("level", 0)),
                PixelFormat=probed.get("pix_fmt"),
                AverageFrameRate=25.0,
                RealFrameRate=25.0,
                IsAVC=True,
                BitDepth=8,
                DisplayTitle=f"{height}p H264 SDR",
            )
        elif kind == "Audio":
            stream.update(
                Channels=int(probed.get("channels", 2)),
                ChannelLayout=probed.get("channel_layout"),
                SampleRate=int(probed.get("sample_rate", 48000)),
                Profile=probed.get("profile"),
                DisplayTitle=f"{tags.get('title')} - {str(tags.get('language')).title()} - AAC",
            )
        else:
            stream["DisplayTitle"] = f"{tags.get('title')} - {str(tags.get('language')).title()}"
        streams.append(stream)
    return streams


def media_source(
    record: ItemRecord,
    clip: ClipInfo,
    *,
    direct_play: bool = True,
    transcoding_url: str | None = None,
) -> dict[str, Any]:
    """The item's one MediaSourceInfo (the real clip, described like the fixtures)."""
    streams = media_streams(clip)
    audio = [s["Index"] for s in streams if s["Type"] == "Audio"]
    source: dict[str, Any] = {
        "Protocol": "File",
        "Id": record.id,
        "Path": _media_path(record),
        "Type": "Default",
        "Container": "mkv",
        "Size": clip.size,
        "Name": record.name,
        "IsRemote": False,
        "ETag": record.image_tag,
        "RunTimeTicks": record.runtime_ticks,
        "ReadAtNativeFramerate": False,
        "IgnoreDts": False,
        "IgnoreIndex": False,
        "GenPtsInput": False,
        "SupportsTranscoding": True,
        "SupportsDirectStream": direct_play,
        "SupportsDirectPlay": direct_play,
        "IsInfiniteStream": False,
        "UseMostCompatibleTranscodingProfile": False,
        "RequiresOpening": False,
        "RequiresClosing": False,
        "RequiresLooping": False,
        "SupportsProbing": True,
        "VideoType": "VideoFile",
        "MediaStreams": streams,
        "MediaAttachments": [],
        "Formats": [],
        "Bitrate": clip.bit_rate,
        "RequiredHttpHeaders": {},
        "TranscodingSubProtocol": "http",
        "DefaultAudioStreamIndex": audio[0] if audio else None,
        "HasSegments": False,
    }
    if transcoding_url is not None:
        source["TranscodingUrl"] = transcoding_url
        source["TranscodingContainer"] = "mkv"
    return source


def item_dto(
    store: ItemStore,
    record: ItemRecord,
    server_id: str,
    fields: frozenset[str],
    *,
    clip: ClipInfo | None = None,
    enable_images: bool = True,
    enable_user_data: bool = True,
) -> dict[str, Any]:
    """The BaseItemDto of `record` with the optional `fields` (ItemFields names).

    Args:
        clip: the clip behind MediaSources and MediaStreams (needed when those fields are
            asked for on a playable item).
    """
    kind = record.kind
    dto: dict[str, Any] = {"Name": record.name, "ServerId": server_id, "Id": record.id}
    playable = kind in ("Movie", "Episode")
    if playable:
        dto["Container"] = "mkv"
        dto["HasSubtitles"] = True
    if record.premiere_date:
        dto["PremiereDate"] = record.premiere_date
    if record.official_rating:
        dto["OfficialRating"] = record.official_rating
    dto["ChannelId"] = None
    if record.community_rating is not None:
        dto["CommunityRating"] = record.community_rating
    if record.runtime_ticks:
        dto["RunTimeTicks"] = record.runtime_ticks
    if record.production_year:
        dto["ProductionYear"] = record.production_year
    if record.index_number is not None:
        dto["IndexNumber"] = record.index_number
    if record.parent_index_number is not None:
        dto["ParentIndexNumber"] = record.parent_index_number
    dto["IsFolder"] = record.is_folder
    dto["Type"] = kind
    if record.collection_type:
        dto["CollectionType"] = record.collection_type
    if record.series_id:
        dto["SeriesName"] = record.series_name
        dto["SeriesId"] = record.series_id
        series = store.get(record.series_id)
        if series is not None:
            dto["SeriesPrimaryImageTag"] = series.image_tag
    if record.season_id:
        dto["SeasonId"] = record.season_id
        dto["SeasonName"] = record.season_name
    if enable_user_data and kind != "CollectionFolder":
        dto["UserData"] = user_data_dto(store, record)
    if enable_images:
        dto["ImageTags"] = {"Primary": record.image_tag}
        dto["BackdropImageTags"] = [record.image_tag] if kind in ("Movie", "Series") else []
    dto["LocationType"] = "FileSystem"
    dto["MediaType"] = "Video" if playable else "Unknown"
    if playable:
        dto["VideoType"] = "VideoFile"
    if fields:
        _add_fields(store, record, dto, fields, clip)
    return dto


def _add_fields(
    store: ItemStore,
    record: ItemRecord,
    dto: dict[str, Any],
    fields: frozenset[str],
    clip: ClipInfo | None,
) -> None:
    if "Overview" in fields and record.overview:
        dto["Overview"] = record.overview
    if "Genres" in fields:
        dto["Genres"] = list(record.genres)
    if "ProviderIds" in fields:
        dto["ProviderIds"] = dict(record.provider_ids)
    if "DateCreated" in fields:
        dto["DateCreated"] = record.created_iso()
    if "SortName" in fields:
        dto["SortName"] = record.sort_name
    if "ParentId" in fields:
        dto["ParentId"] = record.parent_id
    if "Path" in fields:
        dto["Path"] = _media_path(record)
    if "Etag" in fields:
        dto["Etag"] = record.image_tag
    if "OriginalTitle" in fields and record.kind == "Movie":
        dto["OriginalTitle"] = record.name
    if "PrimaryImageAspectRatio" in fields:
        dto["PrimaryImageAspectRatio"] = 0.6666666666666666
    if "Taglines" in fields:
        dto["Taglines"] = []
    if "Tags" in fields:
        dto["Tags"] = []
    if "Studios" in fields:
        dto["Studios"] = []
    if "People" in fields:
        dto["People"] = []
    if "CanDelete" in fields:
        dto["CanDelete"] = False
    if "CanDownload" in fields:
        dto["CanDownload"] = record.kind in ("Movie", "Episode")
    if "ExternalUrls" in fields:
        dto["ExternalUrls"] = _external_urls(record)
    if record.is_folder and "ChildCount" in fields:
        dto["ChildCount"] = len(store.children(record.id))
    if record.is_folder and "RecursiveItemCount" in fields:
        dto["RecursiveItemCount"] = len(store.episodes_of(record.id)) or len(
            store.children(record.id)
        )
    if clip is not None and record.kind in ("Movie", "Episode"):
        if "MediaSources" in fields:
            dto["MediaSources"] = [media_source(record, clip)]
        if "MediaStreams" in fields:
            dto["MediaStreams"] = media_streams(clip)
        if "MediaSourceCount" in fields:
            dto["MediaSourceCount"] = 1


def _external_urls(record: ItemRecord) -> list[dict[str, str]]:
    urls = []
    if "Imdb" in record.provider_ids:
        urls.append(
            {"Name": "IMDb", "Url": f"https://www.imdb.com/title/{record.provider_ids['Imdb']}"}
        )
    if "Tmdb" in record.provider_ids:
        path = "movie" if record.kind == "Movie" else "tv"
        tmdb = record.provider_ids["Tmdb"]
        urls.append({"Name": "TheMovieDb", "Url": f"https://www.themoviedb.org/{path}/{tmdb}"})
    return urls


def runtime_of_clip(clip: ClipInfo) -> int:
    """The clip's duration in ticks."""
    return int(clip.duration_s * TICKS_PER_SECOND)
