"""Every error the engine raises on purpose.

Callers catch ``ReelError`` (or a branch of it) and show ``str(error)``: each message is written
for the user and says what to do next. Anything else escaping the engine is a bug.

::

    ReelError
    ├── ConfigError              the config file is unreadable or invalid (file and line)
    ├── CacheError               the SQLite cache cannot be used
    │   ├── CacheCorruptError    the file is damaged; `reel doctor --repair` keeps what it can
    │   ├── CacheLockedError     another process holds the cache
    │   ├── CacheFullError       the disk is full: nothing was written, free some space
    │   └── CacheTooNewError     written by a newer Reel TUI
    ├── SourceError              a source cannot be added, found or read
    │   ├── SourceNotFoundError
    │   └── SourceUnavailableError   folder missing / server unreachable (browse from cache)
    ├── ItemNotFoundError
    ├── AuthError                sign in again (the cache is kept)
    ├── BackendError             a server answered something we cannot use
    │   └── MalformedResponseError
    ├── SyncCancelled
    └── PlaybackError            a player cannot play a stream
        ├── PlayerUnavailableError   library not installed (names the package)
        └── DisplayError             the chosen display cannot be opened
"""

from __future__ import annotations


class ReelError(Exception):
    """Base of every error the engine raises on purpose."""


class ConfigError(ReelError):
    """The configuration file cannot be used."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        where = path or "<config>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.reason = message


class CacheError(ReelError):
    """The cache database cannot be used."""


class CacheCorruptError(CacheError):
    """The cache file is damaged."""


class CacheLockedError(CacheError):
    """Another process holds a lock on the cache."""


class CacheFullError(CacheError):
    """A write to the cache failed because its disk (or the temporary files' disk) is full."""


class CacheTooNewError(CacheError):
    """The cache was written by a newer version of Reel TUI."""


class SourceError(ReelError):
    """A source cannot be added, found or read."""


class SourceNotFoundError(SourceError):
    """No source has that id."""


class SourceUnavailableError(SourceError):
    """The source's folder or server cannot be reached right now."""


class ItemNotFoundError(ReelError):
    """No item has that id."""


class AuthError(ReelError):
    """The server refused our credentials; the user must sign in again."""


class BackendError(ReelError):
    """A server answered something we cannot use."""


class MalformedResponseError(BackendError):
    """A server's reply could not be parsed."""


class SyncCancelled(ReelError):
    """A sync was cancelled before it finished."""


class PlaybackError(ReelError):
    """A player cannot play a stream."""


class PlayerUnavailableError(PlaybackError):
    """The player's library is not installed."""


class DisplayError(PlaybackError):
    """The chosen display cannot be opened."""
