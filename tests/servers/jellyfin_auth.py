"""Authentication of the fake Jellyfin server: the MediaBrowser header, tokens, Quick Connect.

Jellyfin 10.11 reads the client and token from (in this order of preference) the
`Authorization` header (`MediaBrowser` or legacy `Emby` scheme), `X-Emby-Authorization`,
`X-Emby-Token` / `X-MediaBrowser-Token`, and the `ApiKey` / `api_key` query parameters (legacy
authorization is on by default in 10.11). Header values may be URL-encoded.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any
from urllib.parse import unquote

from tests.servers.jellyfin_library import iso_date, now

_PAIR = re.compile(r'(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"')


def parse_authorization(value: str | None) -> dict[str, str]:
    """The key/value pairs of a `MediaBrowser Client="..", Token=".."` header.

    Returns an empty dict when the header is missing or uses another scheme.
    """
    if not value:
        return {}
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() not in ("mediabrowser", "emby"):
        return {}
    return {key.lower(): unquote(raw) for key, raw in _PAIR.findall(rest)}


def token_from(headers: Message | Mapping[str, str], query: Mapping[str, list[str]]) -> str | None:
    """The access token a request carries, wherever Jellyfin 10.11 looks for it.

    Args:
        headers: request headers (case-insensitive mapping, like `email.message.Message`).
        query: query parameters keyed by lower-case name.
    """
    for header in ("Authorization", "X-Emby-Authorization"):
        token = parse_authorization(headers.get(header)).get("token")
        if token:
            return token
    for header in ("X-Emby-Token", "X-MediaBrowser-Token"):
        token = headers.get(header)
        if token:
            return token
    for name in ("apikey", "api_key"):
        values = query.get(name)
        if values and values[0]:
            return values[0]
    return None


@dataclass
class Session:
    """A signed-in device: what a token stands for."""

    token: str
    user_id: str
    device_id: str
    device_name: str
    client: str
    version: str
    created: float = field(default_factory=now)


@dataclass
class QuickConnectRequest:
    """A pending Quick Connect sign-in, as `/QuickConnect/Initiate` created it."""

    secret: str
    code: str
    device_id: str
    device_name: str
    app_name: str
    app_version: str
    date_added: float = field(default_factory=now)
    authenticated: bool = False

    def dto(self) -> dict[str, Any]:
        """The QuickConnectResult body."""
        return {
            "Authenticated": self.authenticated,
            "Secret": self.secret,
            "Code": self.code,
            "DeviceId": self.device_id,
            "DeviceName": self.device_name,
            "AppName": self.app_name,
            "AppVersion": self.app_version,
            "DateAdded": iso_date(self.date_added),
        }


class AuthState:
    """Tokens and Quick Connect requests of one fake server (thread-safe)."""

    def __init__(self, user_id: str) -> None:
        """Start with no sessions for the server's one user `user_id`."""
        self.user_id = user_id
        self._lock = threading.Lock()
        self.sessions: dict[str, Session] = {}
        self.quick_connect: dict[str, QuickConnectRequest] = {}

    def issue(self, client: Mapping[str, str]) -> Session:
        """A new token for the device described by `client` (parsed header pairs)."""
        session = Session(
            token=secrets.token_hex(16),
            user_id=self.user_id,
            device_id=client.get("deviceid", "unknown-device"),
            device_name=client.get("device", "Unknown"),
            client=client.get("client", "Unknown"),
            version=client.get("version", "0.0.0"),
        )
        with self._lock:
            self.sessions[session.token] = session
        return session

    def session_for(self, token: str | None) -> Session | None:
        """The session of a valid token, or None."""
        if not token:
            return None
        with self._lock:
            return self.sessions.get(token)

    def revoke(self, token: str) -> bool:
        """Invalidate a token; returns whether it existed."""
        with self._lock:
            return self.sessions.pop(token, None) is not None

    def revoke_all(self) -> int:
        """Invalidate every token (an administrator signing every device out); how many."""
        with self._lock:
            count = len(self.sessions)
            self.sessions.clear()
            return count

    def initiate(self, client: Mapping[str, str]) -> QuickConnectRequest:
        """Start a Quick Connect request for the device described by `client`."""
        request = QuickConnectRequest(
            secret=secrets.token_hex(32),
            code=f"{secrets.randbelow(1_000_000):06d}",
            device_id=client.get("deviceid", "unknown-device"),
            device_name=client.get("device", "Unknown"),
            app_name=client.get("client", "Unknown"),
            app_version=client.get("version", "0.0.0"),
        )
        with self._lock:
            self.quick_connect[request.secret] = request
        return request

    def approve(self, code: str) -> bool:
        """Approve the pending request showing `code`; False when no request has it."""
        with self._lock:
            for request in self.quick_connect.values():
                if request.code == code and not request.authenticated:
                    request.authenticated = True
                    return True
        return False

    def redeem(self, secret: str) -> Session | None:
        """Exchange an approved secret for a session (once); None if not approved."""
        with self._lock:
            request = self.quick_connect.get(secret)
            if request is None or not request.authenticated:
                return None
            del self.quick_connect[secret]
        return self.issue(
            {
                "deviceid": request.device_id,
                "device": request.device_name,
                "client": request.app_name,
                "version": request.app_version,
            }
        )


def user_dto(name: str, user_id: str, server_id: str, server_name: str) -> dict[str, Any]:
    """The UserDto of the server's one user."""
    stamp = iso_date(now())
    return {
        "Name": name,
        "ServerId": server_id,
        "ServerName": server_name,
        "Id": user_id,
        "HasPassword": True,
        "HasConfiguredPassword": True,
        "HasConfiguredEasyPassword": False,
        "EnableAutoLogin": False,
        "LastLoginDate": stamp,
        "LastActivityDate": stamp,
        "Configuration": {
            "PlayDefaultAudioTrack": True,
            "SubtitleLanguagePreference": "",
            "DisplayMissingEpisodes": False,
            "GroupedFolders": [],
            "SubtitleMode": "Default",
            "DisplayCollectionsView": False,
            "EnableLocalPassword": False,
            "OrderedViews": [],
            "LatestItemsExcludes": [],
            "MyMediaExcludes": [],
            "HidePlayedInLatest": True,
            "RememberAudioSelections": True,
            "RememberSubtitleSelections": True,
            "EnableNextEpisodeAutoPlay": True,
        },
        "Policy": {
            "IsAdministrator": False,
            "IsHidden": False,
            "IsDisabled": False,
            "EnableUserPreferenceAccess": True,
            "EnableRemoteAccess": True,
            "EnableMediaPlayback": True,
            "EnableAudioPlaybackTranscoding": True,
            "EnableVideoPlaybackTranscoding": True,
            "EnablePlaybackRemuxing": True,
            "EnableContentDownloading": True,
            "EnableAllDevices": True,
            "EnableAllChannels": True,
            "EnableAllFolders": True,
            "InvalidLoginAttemptCount": 0,
            "LoginAttemptsBeforeLockout": -1,
            "MaxActiveSessions": 0,
            "RemoteClientBitrateLimit": 0,
            "AuthenticationProviderId": (
                "Jellyfin.Server.Implementations.Users.DefaultAuthenticationProvider"
            ),
            "PasswordResetProviderId": (
                "Jellyfin.Server.Implementations.Users.DefaultPasswordResetProvider"
            ),
            "SyncPlayAccess": "CreateAndJoinGroups",
        },
    }


def session_dto(session: Session, user_name: str, server_id: str) -> dict[str, Any]:
    """The SessionInfoDto returned inside an AuthenticationResult."""
    return {
        "PlayState": {
            "CanSeek": False,
            "IsPaused": False,
            "IsMuted": False,
            "RepeatMode": "RepeatNone",
            "PlaybackOrder": "Default",
        },
        "AdditionalUsers": [],
        "Capabilities": {
            "PlayableMediaTypes": [],
            "SupportedCommands": [],
            "SupportsMediaControl": False,
            "SupportsPersistentIdentifier": True,
        },
        "RemoteEndPoint": "127.0.0.1",
        "PlayableMediaTypes": [],
        "Id": session.token[:32],
        "UserId": session.user_id,
        "UserName": user_name,
        "Client": session.client,
        "LastActivityDate": iso_date(now()),
        "LastPlaybackCheckIn": "0001-01-01T00:00:00.0000000Z",
        "DeviceName": session.device_name,
        "DeviceId": session.device_id,
        "ApplicationVersion": session.version,
        "IsActive": True,
        "SupportsMediaControl": False,
        "SupportsRemoteControl": False,
        "NowPlayingQueue": [],
        "NowPlayingQueueFullItems": [],
        "HasCustomDeviceName": False,
        "ServerId": server_id,
        "SupportedCommands": [],
    }
