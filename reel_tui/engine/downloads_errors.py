"""The errors of offline downloads (a branch of the engine's one tree, under ReelError).

::

    ReelError
    └── DownloadError            a download cannot start or go on (the message says why)
        ├── StorageCapError      it would pass `offline.max_offline_storage_gb`
        ├── DiskFullError        the disk holding the downloads folder is full
        └── ChecksumError        the file's size or checksum is not what the server said
"""

from __future__ import annotations

from reel_tui.engine.errors import ReelError


class DownloadError(ReelError):
    """A download cannot start or go on."""


class StorageCapError(DownloadError):
    """The download would pass the storage cap for offline copies."""


class DiskFullError(DownloadError):
    """A write failed because the disk is full (the partial file is kept for resuming)."""


class ChecksumError(DownloadError):
    """The finished file does not match the size or checksum the server announced."""


class DownloadPaused(DownloadError):
    """Raised inside a transfer when it was asked to stop (pause, cancel, shutdown)."""
