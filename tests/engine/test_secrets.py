"""Secrets go to the keyring when one works, else to a private 0600 file; never elsewhere."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest

from reel_tui.engine.errors import ReelError
from reel_tui.engine.secrets import SERVICE, SecretStore


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A working keyring service that keeps passwords in memory."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    """A keyring service that is there but refuses to work (locked, no D-Bus session)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


def test_secrets_go_to_a_working_keyring_and_not_to_disk(tmp_path: Path) -> None:
    ring = MemoryKeyring()
    store = SecretStore(tmp_path / "secrets.json", backend=ring)
    store.set("jellyfin:abc", "s3cret-token")
    assert store.get("jellyfin:abc") == "s3cret-token"
    assert ring.store[(SERVICE, "jellyfin:abc")] == "s3cret-token"
    assert not (tmp_path / "secrets.json").exists()
    assert "keyring" in store.description
    store.delete("jellyfin:abc")
    store.delete("jellyfin:abc")  # deleting twice is not an error
    assert store.get("jellyfin:abc") is None


def test_without_a_keyring_service_secrets_go_to_a_0600_file(tmp_path: Path) -> None:
    # The autouse fixture selects keyring's "fail" backend: no keyring service at all.
    secrets_file = tmp_path / "private" / "secrets.json"
    store = SecretStore(secrets_file)
    store.set("plex:1", "token-one")
    store.set("plex:2", "token-two")
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets_file.parent.stat().st_mode) == 0o700
    assert SecretStore(secrets_file).get("plex:1") == "token-one"
    store.delete("plex:1")
    assert SecretStore(secrets_file).get("plex:1") is None
    assert SecretStore(secrets_file).get("plex:2") == "token-two"
    assert "private file" in store.description


def test_a_keyring_that_fails_falls_back_to_the_file(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.json"
    store = SecretStore(secrets_file, backend=LockedKeyring())
    store.set("jellyfin:x", "tok")
    assert store.get("jellyfin:x") == "tok"
    assert secrets_file.exists()


def test_loosened_permissions_are_tightened(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.json"
    store = SecretStore(secrets_file)
    store.set("k", "v")
    secrets_file.chmod(0o644)
    assert store.get("k") == "v"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600


def test_a_damaged_secrets_file_gives_a_clear_error_and_is_kept(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.json"
    secrets_file.write_text("{not json", encoding="utf-8")
    secrets_file.chmod(0o600)
    with pytest.raises(ReelError, match="secrets file cannot be read"):
        SecretStore(secrets_file).get("k")
    assert secrets_file.read_text(encoding="utf-8") == "{not json"
