"""One file's HTTP transfer: Range resume, retries, size and checksum checks, atomic rename.

The partial file is the truth about what is done: a resume asks for `bytes=<its size>-`
(with `If-Range` when the first answer gave an ETag or Last-Modified), so a pause, a crash,
a SIGKILL or a dropped connection all continue where the bytes on disk end. A server that
answers a Range request with 200 (it ignores ranges, or the file changed) restarts the file.
"""

from __future__ import annotations

import base64
import binascii
import errno
import fcntl
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from reel_tui.engine.downloads_errors import (
    ChecksumError,
    DiskFullError,
    DownloadError,
    DownloadPaused,
)
from reel_tui.engine.errors import SourceUnavailableError
from reel_tui.engine.http import redact, request_errors
from reel_tui.engine.models import Stream

_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
_MD5_ETAG = re.compile(r'^"([0-9a-fA-F]{32})"$')
_MAX_BACKOFF_S = 8.0


@dataclass(frozen=True, slots=True)
class Checksum:
    """A digest the server announced for the whole file."""

    algorithm: str
    """hashlib name: sha256, sha512 or md5."""
    hex_digest: str


@dataclass(frozen=True, slots=True)
class ResponseInfo:
    """What the answer's headers say, handed to the caller before any byte is written."""

    total_bytes: int | None
    offset: int
    """Where the answer's body starts in the file (0 when the file starts over)."""
    validator: str | None
    content_type: str | None
    content_disposition: str | None


PreparePart = Callable[[ResponseInfo], Path]
"""Chooses (or confirms) the partial file for an answer; raises to refuse the download."""


def _digest_header(value: str) -> Checksum | None:
    """`sha-256=<b64>` (RFC 3230 Digest) or `sha-256=:<b64>:` (RFC 9530 Repr-Digest)."""
    names = {"sha-256": "sha256", "sha-512": "sha512", "md5": "md5"}
    for entry in value.split(","):
        name, _, encoded = entry.strip().partition("=")
        algorithm = names.get(name.strip().lower())
        if algorithm is None:
            continue
        try:
            raw = base64.b64decode(encoded.strip().strip(":"), validate=True)
        except (binascii.Error, ValueError):
            continue
        return Checksum(algorithm, raw.hex())
    return None


def announced_checksum(headers: httpx.Headers) -> Checksum | None:
    """The whole file's checksum, when the answer carries one we understand."""
    for name in ("repr-digest", "digest"):
        value = headers.get(name)
        found = _digest_header(value) if value else None
        if found is not None:
            return found
    sha256 = headers.get("x-checksum-sha256", "").strip().lower()
    if re.fullmatch(r"[0-9a-f]{64}", sha256):
        return Checksum("sha256", sha256)
    # An ETag of 32 hex digits is, by the servers that send one (S3, nginx-style stores), the
    # md5 of the content; a weak ETag (W/"...") promises nothing about the bytes.
    etag_md5 = _MD5_ETAG.match(headers.get("etag", "").strip())
    if etag_md5:
        return Checksum("md5", etag_md5.group(1).lower())
    return None


def _validator(headers: httpx.Headers) -> str | None:
    etag: str | None = headers.get("etag")
    if etag and not etag.startswith("W/"):
        return etag
    modified: str | None = headers.get("last-modified")
    return modified


def _total_and_start(response: httpx.Response) -> tuple[int | None, int]:
    if response.status_code == 206:
        match = _CONTENT_RANGE.match(response.headers.get("content-range", ""))
        if match is None:
            raise DownloadError(
                f"{redact(str(response.url))} sent a partial answer without a usable "
                "Content-Range; cannot resume from it"
            )
        total = None if match.group(3) == "*" else int(match.group(3))
        return total, int(match.group(1))
    length = response.headers.get("content-length")
    return (int(length) if length and length.isdigit() else None), 0


def _file_size(path: Path | None) -> int:
    if path is None:
        return 0
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _disk_full(error: OSError, folder: Path) -> DownloadError:
    return DiskFullError(
        f"the disk holding {folder} is full: free some space (or remove offline copies) "
        "and resume; the part already downloaded is kept"
    )


def _write_all(handle: int, data: bytes, folder: Path) -> None:
    view = memoryview(data)
    try:
        while view:
            written = os.write(handle, view)
            view = view[written:]
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise _disk_full(error, folder) from error
        raise DownloadError(f"cannot write into {folder}: {error.strerror}") from error


def held_by_another_process(part: Path | None) -> bool:
    """Whether a live transfer (here or in another process) holds the partial file's lock."""
    if part is None:
        return False
    try:
        handle = os.open(part, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)  # closing drops the lock we may have taken
    return False


def file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with path.open("rb") as file:
        while block := file.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


class Transfer:
    """Downloads one stream into a partial file, resuming and retrying as needed."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        retries: int = 3,
        backoff_s: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes_per_s: float | None = None,
    ) -> None:
        """Args:
        retries: attempts after a failure that made no progress (progress resets the count).
        max_bytes_per_s: a bandwidth limit (None: as fast as the link allows).
        """
        self._client = client
        self._retries = retries
        self._backoff_s = backoff_s
        self._sleep = sleep
        self._max_bytes_per_s = max_bytes_per_s

    def run(
        self,
        stream: Stream,
        part: Path | None,
        *,
        validator: str | None,
        prepare: PreparePart,
        stop: threading.Event,
        on_progress: Callable[[int, int | None], None],
        what: str = "the server",
        resume_needs_validator: bool = False,
    ) -> tuple[Path, int, Checksum | None]:
        """Fill the partial file to the end.

        Args:
            part: the partial file of an earlier attempt (None for a new download).
            validator: ETag/Last-Modified of an earlier answer, for If-Range.
            prepare: called with each answer's headers before writing; returns the part path.
            stop: set by another thread to pause; raises DownloadPaused (the partial is kept).
            on_progress: (bytes on disk, total) after each chunk.
            resume_needs_validator: continue a partial file with Range only when an earlier
                answer gave a validator (If-Range); without one start it again from byte 0.
                For transcodes, which servers make afresh for every request.

        Returns:
            The partial file, its size and the checksum the server announced (if any).
        """
        failures = 0
        total: int | None = None
        checksum: Checksum | None = None
        reached = _file_size(part)
        while True:
            if stop.is_set():
                raise DownloadPaused("paused")
            offset = _file_size(part)
            if offset and resume_needs_validator and not validator:
                # Nothing says the next answer holds the same bytes as the partial file.
                assert part is not None
                part.unlink(missing_ok=True)
                offset, total = 0, None
            if total is not None and offset == total and part is not None:
                return part, offset, checksum
            headers = {**stream.headers, "Accept-Encoding": "identity"}
            if offset:
                headers["Range"] = f"bytes={offset}-"
                if validator:
                    headers["If-Range"] = validator
            try:
                with (
                    request_errors(what),
                    self._client.stream("GET", stream.url, headers=headers) as response,
                ):
                    if response.status_code == 416 and part is not None:
                        # Our partial is as long as (or longer than) the file: start over
                        # unless the size we last saw says it is whole.
                        if total is not None and offset == total:
                            return part, offset, checksum
                        part.unlink(missing_ok=True)
                        validator = None
                        continue
                    response.raise_for_status()
                    total, start = _total_and_start(response)
                    checksum = announced_checksum(response.headers) or checksum
                    info = ResponseInfo(
                        total_bytes=total,
                        offset=start,
                        validator=_validator(response.headers),
                        content_type=response.headers.get("content-type"),
                        content_disposition=response.headers.get("content-disposition"),
                    )
                    part = prepare(info)
                    validator = info.validator
                    if start != _file_size(part):
                        if start != 0:
                            raise DownloadError(
                                f"{what} resumed at byte {start}, not at {_file_size(part)}"
                            )
                        part.unlink(missing_ok=True)  # a 200: the server starts over
                    self._write_body(response, part, total, stop, on_progress)
            except (SourceUnavailableError, httpx.StreamError) as error:
                # Only bytes beyond any reached before count as progress: a transfer that
                # starts over (a transcode) and keeps breaking must still run out of retries.
                if _file_size(part) > reached:
                    reached = _file_size(part)
                    failures = 0
                failures += 1
                if failures > self._retries:
                    raise SourceUnavailableError(f"{error} (after {failures} attempts)") from error
                self._sleep(min(self._backoff_s * 2 ** (failures - 1), _MAX_BACKOFF_S))
                continue
            size = _file_size(part)
            assert part is not None
            if total is None or size == total:
                return part, size, checksum
            if size > total:
                part.unlink(missing_ok=True)
                raise ChecksumError(
                    f"{what} sent {size} bytes for a file of {total}: the partial file was "
                    "removed; download it again"
                )
            # A body that ended early without an error: ask for the rest.

    def _write_body(
        self,
        response: httpx.Response,
        part: Path,
        total: int | None,
        stop: threading.Event,
        on_progress: Callable[[int, int | None], None],
    ) -> bool:
        """Append the body to `part`; True if any byte was written."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        handle = os.open(part, flags, 0o600)
        written = 0
        started = time.monotonic()
        try:
            try:
                # Another process (the app and `reel download` share the queue) writing the
                # same partial would interleave bytes; the lock dies with its process.
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                raise DownloadError(
                    f"{part.name.removesuffix('.part')} is being downloaded by another "
                    "Reel TUI process (the app or `reel download`)"
                ) from error
            done = os.fstat(handle).st_size
            # No chunk size: httpx would hold back the tail of a cut connection in its buffer.
            for chunk in response.iter_bytes():
                if stop.is_set():
                    raise DownloadPaused("paused")
                _write_all(handle, chunk, part.parent)
                written += len(chunk)
                done += len(chunk)
                on_progress(done, total)
                self._throttle(written, started, stop)
            try:
                os.fsync(handle)
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise _disk_full(error, part.parent) from error
                raise
        finally:
            os.close(handle)
        return written > 0

    def _throttle(self, written: int, started: float, stop: threading.Event) -> None:
        if not self._max_bytes_per_s:
            return
        ahead = written / self._max_bytes_per_s - (time.monotonic() - started)
        if ahead > 0:
            stop.wait(ahead)


def verify(part: Path, size: int, total: int | None, checksum: Checksum | None) -> None:
    """Raise ChecksumError (removing the partial) if the file is not what was announced."""
    if total is not None and size != total:
        raise ChecksumError(f"{part.name}: {size} bytes instead of {total}")
    if checksum is None:
        return
    found = file_digest(part, checksum.algorithm)
    if found != checksum.hex_digest:
        part.unlink(missing_ok=True)
        raise ChecksumError(
            f"{part.name.removesuffix('.part')}: the {checksum.algorithm} checksum does not "
            "match what the server announced; the damaged file was removed, download it again"
        )


def move_into_place(part: Path, final: Path) -> None:
    """Rename the finished partial to its name, durably (the file and its folder fsynced)."""
    with part.open("rb") as file:
        os.fsync(file.fileno())
    os.replace(part, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
