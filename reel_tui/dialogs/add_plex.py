"""Adding Plex: a plex.tv account (PIN sign-in) or a single server (its URL and a token).

`AddPlexDialog` offers both ways and dismisses with a `PlexPinRequest` (sign in with plex.tv)
or a `PlexServerRequest` (URL + token), or None. `PlexPinDialog` asks plex.tv for a PIN,
shows its code and the plex.tv/link address, waits in a thread worker until the user links
it (Cancel stops the wait) and dismisses with the account token, or None. Neither dialog
touches the cache; the Sources screen adds the sources (the tokens go to the keyring).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from reel_tui.engine.errors import ReelError, SyncCancelled

if TYPE_CHECKING:
    from reel_tui.app import ReelApp


@dataclass(frozen=True, slots=True)
class PlexPinRequest:
    """Sign in with plex.tv: every server of the account becomes a source."""


@dataclass(frozen=True, slots=True)
class PlexServerRequest:
    """One server by its address and an access token (the token is never shown)."""

    url: str
    token: str

    def __repr__(self) -> str:
        return f"PlexServerRequest(url={self.url!r}, token=<hidden>)"


class AddPlexDialog(ModalScreen[PlexPinRequest | PlexServerRequest | None]):
    """Dismisses with a PlexPinRequest or a PlexServerRequest, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, initial_url: str = "", error: str = "") -> None:
        super().__init__()
        self.initial_url = initial_url
        """Pre-filled server address (asking again after a failure; the token is not kept)."""
        self.error = error
        """Why the last attempt failed, shown under the fields."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Add Plex", classes="dialog-title")
            yield Static(
                "Sign in with your plex.tv account to add all of its servers,",
                classes="plex-hint",
                markup=False,
            )
            with Horizontal(classes="dialog-buttons plex-sign-in-row"):
                yield Button("Sign in with plex.tv", id="plex-pin", variant="primary", compact=True)
            yield Static("or add a single server:", classes="plex-hint", markup=False)
            yield Label("Server address")
            yield Input(
                self.initial_url,
                placeholder="http://nas:32400",
                id="plex-url",
                compact=True,
            )
            yield Label("Access token (X-Plex-Token)")
            yield Input(
                placeholder="the server's token (kept in the keyring)",
                id="plex-token",
                password=True,
                compact=True,
            )
            yield Static(self.error, id="plex-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Add server", id="plex-add-server", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.initial_url:
            self.query_one("#plex-token", Input).focus()
        else:
            self.query_one("#plex-pin", Button).focus()

    def _refuse(self, message: str, widget_id: str) -> None:
        self.query_one("#plex-error", Static).update(message)
        self.query_one(f"#{widget_id}", Input).focus()

    @on(Button.Pressed, "#plex-pin")
    def _sign_in(self) -> None:
        self.dismiss(PlexPinRequest())

    @on(Input.Submitted)
    @on(Button.Pressed, "#plex-add-server")
    def _add_server(self) -> None:
        url = self.query_one("#plex-url", Input).value.strip()
        token = self.query_one("#plex-token", Input).value.strip()
        if not url:
            self._refuse("Type the server's address.", "plex-url")
            return
        if not token:
            self._refuse("Type the server's access token (or sign in with plex.tv).", "plex-token")
            return
        self.dismiss(PlexServerRequest(url, token))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class PlexPinDialog(ModalScreen[str | None]):
    """Shows a plex.tv PIN and waits for it to be linked (Escape or Cancel stops waiting).

    Dismisses with the account token, or None when cancelled.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    class CodeReady(Message):
        """plex.tv gave a PIN to show."""

        def __init__(self, code: str, link_url: str) -> None:
            super().__init__()
            self.code = code
            self.link_url = link_url

    class Failed(Message):
        """The PIN could not be had, or it expired."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Linked(Message):
        """The user linked the PIN: here is the account token."""

        def __init__(self, token: str) -> None:
            super().__init__()
            self.token = token

        def __repr__(self) -> str:
            return "PlexPinDialog.Linked(token=<hidden>)"

    def __init__(self, *, poll_interval_s: float = 1.0) -> None:
        super().__init__()
        self.poll_interval_s = poll_interval_s
        """How often plex.tv is asked whether the PIN is linked."""
        self.code: str | None = None
        """The code shown, once plex.tv gave one."""
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Sign in with plex.tv", classes="dialog-title")
            yield Static("Asking plex.tv for a code…", id="plex-pin-status", markup=False)
            yield Static("", id="plex-pin-code", markup=False)
            yield Static("", id="plex-pin-wait", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._wait_for_link()

    @work(thread=True, exclusive=True, group="plex-pin", exit_on_error=False)
    def _wait_for_link(self) -> None:
        from reel_tui.engine.backends.plex import signin

        engine = cast("ReelApp", self.app).engine
        try:
            pin = signin.start_pin(engine)
            self.post_message(self.CodeReady(pin.code, pin.link_url))
            token = signin.wait_for_pin(
                engine, pin, cancel=self._cancel, interval_s=self.poll_interval_s
            )
        except SyncCancelled:
            return
        except ReelError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Linked(token))

    def on_plex_pin_dialog_code_ready(self, message: CodeReady) -> None:
        self.code = message.code
        self.query_one("#plex-pin-status", Static).update(
            f"On any device, sign in to Plex at {message.link_url} and enter this code:"
        )
        self.query_one("#plex-pin-code", Static).update(message.code)
        self.query_one("#plex-pin-wait", Static).update("Waiting for the code to be linked…")

    def on_plex_pin_dialog_failed(self, message: Failed) -> None:
        self.query_one("#plex-pin-status", Static).update(message.error)
        self.query_one("#plex-pin-wait", Static).update("")

    def on_plex_pin_dialog_linked(self, message: Linked) -> None:
        self.dismiss(message.token)

    def on_unmount(self) -> None:
        # However the dialog goes (a dismiss from the app too), the wait must not go on.
        self._cancel.set()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._cancel.set()
        self.dismiss(None)
