"""Adding a Jellyfin server: its address, then a password or Quick Connect.

`AddJellyfinDialog` asks for the address, user name and password and dismisses with a
`JellyfinSignInRequest` (or None). Choosing Quick Connect instead opens `QuickConnectDialog`,
which shows the server's code, waits for the user to approve it in another Jellyfin app and
dismisses with the `SignIn` (or None when cancelled). Neither dialog touches the cache.
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
    from reel_tui.engine.backends.jellyfin.signin import SignIn


@dataclass(frozen=True, slots=True)
class JellyfinSignInRequest:
    """What the user typed; `quick_connect` asks for a code instead of using the password."""

    url: str
    username: str
    password: str
    quick_connect: bool = False


class AddJellyfinDialog(ModalScreen[JellyfinSignInRequest | None]):
    """Dismisses with a JellyfinSignInRequest, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, initial_url: str = "", initial_username: str = "") -> None:
        super().__init__()
        self.initial_url = initial_url
        """Pre-filled server address."""
        self.initial_username = initial_username
        """Pre-filled user name (asking again after a failed sign-in)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Add a Jellyfin server", classes="dialog-title")
            yield Label("Server address")
            yield Input(
                self.initial_url, placeholder="http://nas:8096", id="jellyfin-url", compact=True
            )
            yield Label("User name")
            yield Input(self.initial_username, id="jellyfin-username", compact=True)
            yield Label("Password")
            yield Input(id="jellyfin-password", password=True, compact=True)
            yield Static("", id="jellyfin-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Sign in", id="sign-in", variant="primary", compact=True)
                yield Button("Quick Connect", id="quick-connect", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        first = "#jellyfin-password" if self.initial_username else "#jellyfin-url"
        self.query_one(first, Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _refuse(self, message: str, widget_id: str) -> None:
        self.query_one("#jellyfin-error", Static).update(message)
        self.query_one(f"#{widget_id}", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#sign-in")
    def _sign_in(self) -> None:
        url, username = self._value("jellyfin-url").strip(), self._value("jellyfin-username")
        if not url:
            self._refuse("Type the server's address.", "jellyfin-url")
            return
        if not username.strip():
            self._refuse("Type your user name (or use Quick Connect).", "jellyfin-username")
            return
        self.dismiss(JellyfinSignInRequest(url, username.strip(), self._value("jellyfin-password")))

    @on(Button.Pressed, "#quick-connect")
    def _quick_connect(self) -> None:
        url = self._value("jellyfin-url").strip()
        if not url:
            self._refuse("Type the server's address.", "jellyfin-url")
            return
        self.dismiss(JellyfinSignInRequest(url, "", "", quick_connect=True))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class QuickConnectDialog(ModalScreen["SignIn | None"]):
    """Shows a Quick Connect code and waits for its approval (Escape cancels)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    class CodeReady(Message):
        """The server gave a code to show."""

        def __init__(self, code: str, server_name: str) -> None:
            super().__init__()
            self.code = code
            self.server_name = server_name

    class Failed(Message):
        """Quick Connect could not start or finish."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class Approved(Message):
        """The code was approved: here is the sign-in."""

        def __init__(self, sign_in: SignIn) -> None:
            super().__init__()
            self.sign_in = sign_in

    def __init__(self, url: str, *, poll_interval_s: float = 1.0) -> None:
        super().__init__()
        self.url = url
        self.poll_interval_s = poll_interval_s
        self.code: str | None = None
        """The code shown, once the server gave one."""
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static("Quick Connect", classes="dialog-title")
            yield Static(f"Asking {self.url} for a code…", id="quick-connect-status", markup=False)
            yield Static("", id="quick-connect-code", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self._wait_for_approval()

    @work(thread=True, exclusive=True, group="quick-connect", exit_on_error=False)
    def _wait_for_approval(self) -> None:
        from reel_tui.engine.backends.jellyfin import signin

        engine = cast("ReelApp", self.app).engine
        network = engine.config.network
        try:
            pending = signin.quick_connect_start(self.url, network, engine.repo)
            self.post_message(self.CodeReady(pending.code, pending.server.name))
            found = signin.quick_connect_wait(
                pending,
                network,
                engine.repo,
                cancel=self._cancel,
                interval_s=self.poll_interval_s,
            )
        except SyncCancelled:
            return
        except ReelError as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Approved(found))

    def on_quick_connect_dialog_code_ready(self, message: CodeReady) -> None:
        self.code = message.code
        self.query_one("#quick-connect-status", Static).update(
            f"In another signed-in Jellyfin app on {message.server_name}, open "
            "Settings › Quick Connect and enter:"
        )
        self.query_one("#quick-connect-code", Static).update(message.code)

    def on_quick_connect_dialog_failed(self, message: Failed) -> None:
        self.query_one("#quick-connect-status", Static).update(message.error)

    def on_quick_connect_dialog_approved(self, message: Approved) -> None:
        self.dismiss(message.sign_in)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self._cancel.set()
        self.dismiss(None)
