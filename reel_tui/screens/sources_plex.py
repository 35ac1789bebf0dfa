"""The Plex half of the Sources screen: sign in with plex.tv (every server of the account
becomes a source) or add one server by URL + token, and test a Plex source's address.

`SourcesScreen` inherits it. Engine calls run in thread workers that post messages; the
tokens go from the dialogs straight to the engine (the keyring), never to the screen's text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from reel_tui.dialogs.add_plex import (
    AddPlexDialog,
    PlexPinDialog,
    PlexPinRequest,
    PlexServerRequest,
)
from reel_tui.engine.errors import AuthError, ReelError
from reel_tui.engine.models import Source
from reel_tui.screens.base import ReelScreen
from reel_tui.widgets.source_card import format_latency

if TYPE_CHECKING:
    from reel_tui.engine.backends.plex.signin import AddedServer


class PlexSources(ReelScreen):
    """Adding and testing Plex sources; `reload` re-reads the list (the screen's own)."""

    class PlexServersAdded(Message):
        """A sign-in or a single server added (or refreshed) Plex sources."""

        def __init__(self, added: Sequence[AddedServer]) -> None:
            super().__init__()
            self.added = added

    class PlexFailed(Message):
        """Adding Plex failed; `url` is the single server's address (None: the account)."""

        def __init__(self, error: str, url: str | None = None) -> None:
            super().__init__()
            self.error = error
            self.url = url

    def reload(self) -> None:
        raise NotImplementedError

    def action_add_plex(self) -> None:
        self.app.push_screen(AddPlexDialog(), self._plex_request)

    def _plex_request(self, request: PlexPinRequest | PlexServerRequest | None) -> None:
        if isinstance(request, PlexPinRequest):
            self.app.push_screen(PlexPinDialog(), self._plex_linked)
        elif isinstance(request, PlexServerRequest):
            self._add_plex_server(request)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _add_plex_server(self, request: PlexServerRequest) -> None:
        from reel_tui.engine.backends.plex import signin

        try:
            added = signin.add_server(self.engine, request.url, request.token)
        except AuthError:
            message = f"The Plex server at {request.url} refused that token: check it."
            self.post_message(self.PlexFailed(message, request.url))
            return
        except ReelError as exc:
            self.post_message(self.PlexFailed(str(exc), request.url))
            return
        self.post_message(self.PlexServersAdded([added]))

    def _plex_linked(self, account_token: str | None) -> None:
        if account_token is not None:
            self.notify("Signed in to plex.tv; looking for the account's servers…")
            self._add_plex_account(account_token)

    @work(thread=True, group="source-changes", exit_on_error=False)
    def _add_plex_account(self, account_token: str) -> None:
        from reel_tui.engine.backends.plex import signin

        try:
            added = signin.add_account(self.engine, account_token)
        except ReelError as exc:
            self.post_message(self.PlexFailed(str(exc)))
            return
        self.post_message(self.PlexServersAdded(added))

    def on_plex_sources_plex_servers_added(self, message: PlexServersAdded) -> None:
        if not message.added:
            self.notify("That Plex account has no servers.", severity="warning")
            return
        for entry in message.added:
            if entry.address is None:
                self.notify(
                    f"{entry.source.name}: no address answers ({entry.error}); it is kept "
                    "and tried again on the next sync.",
                    severity="warning",
                    timeout=8,
                )
        from reel_tui.engine.backends.plex.signin import sign_in_summary

        self.notify(f"{sign_in_summary(message.added)}; syncing now.")
        self.reel_app.sources_changed()
        for entry in message.added:
            if entry.address is not None:
                self.reel_app.request_sync(entry.source.id)

    def on_plex_sources_plex_failed(self, message: PlexFailed) -> None:
        self.notify(message.error, title="Plex", severity="error", timeout=8)
        if message.url is not None:
            # Ask again with the address kept (never the token), rather than losing it.
            self.app.push_screen(AddPlexDialog(message.url, message.error), self._plex_request)

    @work(thread=True, group="source-tests", exit_on_error=False)
    def test_plex_source(self, source: Source) -> None:
        """Choose the address afresh (the last good one first) and say where it answers.

        A backend of its own does the choosing: the app's may be syncing on its address, which
        must not be closed under it. The choice is recorded on the source all the same.
        """
        from reel_tui.engine.backends.plex.backend import PlexBackend

        engine = self.engine
        tester = PlexBackend.create(engine.get_source(source.id), engine.backend_context)
        try:
            tester.check_connection()
            chosen = tester.chosen_address()
        finally:
            tester.close()
        where = ""
        if chosen is not None:
            where = f" at {chosen.uri} ({chosen.kind}, {format_latency(chosen.latency_ms)})"
        self.app.call_from_thread(self.notify, f"{source.name} answers{where}: connection OK.")
        self.app.call_from_thread(self.reload)
