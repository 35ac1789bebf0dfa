"""Tokens and passwords: in the system keyring, or a private file where there is none.

Secrets never go into the cache, the logs or a process's arguments. Where no keyring service
runs (a headless media box, an SSH session without a Secret Service), or the only keyring
would prompt on the terminal or store plain text in a place we do not control, they go to one
JSON file readable by the user alone (0600, in a 0700 folder), written atomically.

The keyring is looked for on first use, not when the store is made: finding its backend
imports every installed one (D-Bus, libsecret, KWallet ...) and takes about a tenth of a
second, which a start that talks to no server must not pay.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reel_tui.engine.errors import ReelError

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger(__name__)

SERVICE = "reel-tui"

# Backends that would prompt for a password on the terminal (breaking the TUI) or that are
# plain-text files of another package: our own 0600 file is the better choice.
_UNSUITABLE_BACKEND_MODULES = ("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    module = type(backend).__module__
    if module.startswith(_UNSUITABLE_BACKEND_MODULES):
        return False
    if module == "keyring.backends.chainer":
        return bool(getattr(backend, "backends", ()))
    return True


class SecretStore:
    """Get, set and delete secrets by key ("jellyfin:<source id>", "plex:<account id>")."""

    def __init__(
        self,
        fallback_file: Path,
        backend: keyring.backend.KeyringBackend | None = None,
    ) -> None:
        """Args:
        fallback_file: the private file used when no keyring service can be used.
        backend: the keyring backend; the one `keyring` chooses when None.
        """
        self._file = fallback_file
        self._lock = threading.Lock()
        self._keyring_lock = threading.Lock()
        self._given: keyring.backend.KeyringBackend | None = backend
        self._chosen = False
        self._keyring: keyring.backend.KeyringBackend | None = None

    def _usable_keyring(self) -> keyring.backend.KeyringBackend | None:
        """The keyring backend to use, chosen on first call; None: use the file."""
        with self._keyring_lock:
            if not self._chosen:
                import keyring

                chosen = self._given if self._given is not None else keyring.get_keyring()
                self._keyring = chosen if _usable(chosen) else None
                self._chosen = True
            return self._keyring

    @property
    def description(self) -> str:
        """Where secrets are kept, for `reel doctor`."""
        ring = self._usable_keyring()
        if ring is not None:
            return f"system keyring ({type(ring).__name__})"
        return f"private file {self._file} (no keyring service)"

    def get(self, key: str) -> str | None:
        import keyring.errors

        ring = self._usable_keyring()
        if ring is not None:
            try:
                return ring.get_password(SERVICE, key)
            except keyring.errors.KeyringError as exc:
                self._give_up_keyring(exc)
        return self._read_file().get(key)

    def set(self, key: str, value: str) -> None:
        import keyring.errors

        ring = self._usable_keyring()
        if ring is not None:
            try:
                ring.set_password(SERVICE, key, value)
                return
            except keyring.errors.KeyringError as exc:
                self._give_up_keyring(exc)
        with self._lock:
            data = self._read_file()
            data[key] = value
            self._write_file(data)

    def delete(self, key: str) -> None:
        """Forget a secret (no error when there was none)."""
        import keyring.errors

        ring = self._usable_keyring()
        if ring is not None:
            try:
                ring.delete_password(SERVICE, key)
            except keyring.errors.PasswordDeleteError:
                log.debug("no secret %s in the keyring", key)
            except keyring.errors.KeyringError as exc:
                self._give_up_keyring(exc)
        with self._lock:
            data = self._read_file()
            if data.pop(key, None) is not None:
                self._write_file(data)

    def _give_up_keyring(self, error: Exception) -> None:
        log.warning("keyring unusable (%s); keeping secrets in %s", error, self._file)
        with self._keyring_lock:
            self._keyring = None

    def _read_file(self) -> dict[str, str]:
        try:
            info = self._file.stat()
        except FileNotFoundError:
            return {}
        if stat.S_IMODE(info.st_mode) & 0o077:
            # Someone loosened the permissions: tighten them before reading.
            os.chmod(self._file, 0o600)
            log.warning("%s was readable by others; permissions reset to 0600", self._file)
        try:
            raw: Any = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReelError(
                f"{self._file}: the secrets file cannot be read ({exc}); "
                "remove it and sign in to your servers again"
            ) from exc
        if not isinstance(raw, dict):
            raise ReelError(f"{self._file}: the secrets file is damaged; remove it and sign in")
        return {str(k): str(v) for k, v in raw.items()}

    def _write_file(self, data: dict[str, str]) -> None:
        folder = self._file.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".secrets-", dir=folder)  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self._file)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
