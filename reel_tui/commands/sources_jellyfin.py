"""`reel sources add jellyfin URL --username U [--password-stdin | --quick-connect]`.

The password is read from standard input (never from an argument, which `ps` shows) or asked
for on a terminal; with `--quick-connect` the command prints a code to enter in another
signed-in Jellyfin app and waits for it (Ctrl-C cancels). The token goes to the keyring.
Signing in as a user whose server is already a source (after its token was revoked) signs
that source in again, keeping its cache.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import source_json
from reel_tui.engine.errors import ReelError, SyncCancelled
from reel_tui.engine.models import ItemQuery

if TYPE_CHECKING:
    from reel_tui.engine.backends.jellyfin.signin import SignIn


@click.command("jellyfin")
@click.argument("url")
@click.option("--username", "-u", help="Jellyfin user name (not needed with --quick-connect).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--quick-connect",
    is_flag=True,
    help="Sign in by approving a code in another signed-in Jellyfin app.",
)
@click.option("--name", help="Name shown in the app (default: the server's name).")
@click.option("--json", "as_json", is_flag=True, help="Print the new source as JSON.")
@pass_run
def add_jellyfin(
    run: RunContext,
    url: str,
    username: str | None,
    password_stdin: bool,
    quick_connect: bool,
    name: str | None,
    as_json: bool,
) -> None:
    """Add the Jellyfin server at URL (e.g. http://nas:8096), signed in as one user."""
    from reel_tui.engine.backends.jellyfin import signin

    engine = run.engine
    network = engine.config.network
    if password_stdin and quick_connect:
        raise click.UsageError("choose --password-stdin or --quick-connect, not both")
    if quick_connect:
        signed_in = _quick_connect(run, url)
    else:
        if not username:
            raise click.UsageError("--username is needed to sign in with a password")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = click.prompt(f"Password for {username}", hide_input=True, err=True)
        else:
            raise click.UsageError("no terminal to ask for the password: use --password-stdin")
        signed_in = signin.sign_in_with_password(url, username, password, network, engine.repo)
    saved = signin.save_sign_in(engine, signed_in, name=name)
    source = saved.source
    if as_json:
        print_json(source_json(source, engine.count_items(ItemQuery(source_id=source.id))))
        return
    if saved.again:
        # Already a source (its token revoked, say): it keeps its cached items and progress.
        click.echo(f"Signed in again to {source.name} ({signed_in.username}): {source.id}")
        click.echo(f"Run `reel sync {source.id}` to bring it up to date.")
        return
    click.echo(f"Added {source.id} ({source.name}, user {signed_in.username}): {source.location}")
    click.echo(f"Run `reel sync {source.id}` to read its libraries, or open `reel`.")


def _quick_connect(run: RunContext, url: str) -> SignIn:
    from reel_tui.engine.backends.jellyfin import signin

    engine = run.engine
    pending = signin.quick_connect_start(url, engine.config.network, engine.repo)
    cancel = threading.Event()
    try:
        # On stderr, so `--json` output stays one document. Inside the try: Ctrl-C may come
        # the moment the code is shown.
        click.echo(
            f"Quick Connect code: {pending.code}\n"
            f"Enter it in a signed-in Jellyfin app (Settings > Quick Connect) on "
            f"{pending.server.name}. Waiting... (Ctrl-C cancels)",
            err=True,
        )
        return signin.quick_connect_wait(pending, engine.config.network, engine.repo, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        raise ReelError("Quick Connect cancelled: nothing was added") from None
    except SyncCancelled as exc:
        raise ReelError("Quick Connect cancelled: nothing was added") from exc
