"""`display.images`: which renderer each terminal gets, and when the terminal may be asked."""

from __future__ import annotations

import pytest

from reel_tui.images_choice import Renderer, choose_renderer, may_query_terminal

LOCAL = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
KITTY = {"TERM": "xterm-kitty", "KITTY_WINDOW_ID": "1"}
TMUX = {"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,123,0"}
SSH = {
    "TERM": "xterm-256color",
    "SSH_TTY": "/dev/pts/3",
    "SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22",
}


@pytest.mark.parametrize(
    ("env", "answered", "expected"),
    [
        pytest.param(KITTY, None, Renderer.KITTY, id="kitty"),
        pytest.param({"TERM": "xterm-kitty"}, None, Renderer.KITTY, id="kitty-terminfo-only"),
        pytest.param({**KITTY, **SSH, "TERM": "xterm-kitty"}, None, Renderer.KITTY, id="kitty-ssh"),
        pytest.param({"TERM": "foot"}, None, Renderer.SIXEL, id="foot"),
        pytest.param({**LOCAL, "TERM_PROGRAM": "WezTerm"}, None, Renderer.SIXEL, id="wezterm"),
        pytest.param({**LOCAL, "KONSOLE_VERSION": "230804"}, None, Renderer.SIXEL, id="konsole"),
        pytest.param(LOCAL, Renderer.SIXEL, Renderer.SIXEL, id="xterm-answers-sixel"),
        pytest.param(LOCAL, Renderer.KITTY, Renderer.KITTY, id="answers-kitty-graphics"),
        pytest.param(LOCAL, Renderer.HALFCELL, Renderer.HALFCELL, id="answers-nothing"),
        pytest.param(LOCAL, None, Renderer.HALFCELL, id="plain-not-asked"),
        pytest.param(TMUX, None, Renderer.HALFCELL, id="tmux"),
        # tmux inside kitty: kitty's variables leak in, but tmux would drop the graphics.
        pytest.param({**KITTY, **TMUX}, None, Renderer.HALFCELL, id="tmux-in-kitty"),
        pytest.param({**TMUX, "TERM_PROGRAM": "WezTerm"}, None, Renderer.HALFCELL, id="tmux-wez"),
        pytest.param(
            {"TERM": "screen-256color", "STY": "1.pts"}, None, Renderer.HALFCELL, id="screen"
        ),
        pytest.param(SSH, None, Renderer.HALFCELL, id="ssh"),
        pytest.param({**SSH, "TERM": "foot"}, None, Renderer.SIXEL, id="ssh-from-foot"),
        pytest.param({**LOCAL, "NO_COLOR": "1"}, None, Renderer.UNICODE, id="no-color"),
        pytest.param({"TERM": "dumb"}, None, Renderer.UNICODE, id="dumb"),
    ],
)
def test_auto_picks_what_the_terminal_can_draw(
    env: dict[str, str], answered: Renderer | None, expected: Renderer
) -> None:
    assert choose_renderer("auto", env, answered=answered) is expected


@pytest.mark.parametrize("setting", ["kitty", "sixel", "halfcell", "unicode", "off"])
def test_an_explicit_setting_wins_everywhere(setting: str) -> None:
    for env in (LOCAL, KITTY, TMUX, SSH, {}):
        assert choose_renderer(setting, env, answered=Renderer.SIXEL) is Renderer(setting)


def test_kitty_images_are_not_written_into_a_redirected_stdout() -> None:
    # textual-image sends kitty images to stdout itself; `reel > log` would fill the file.
    assert choose_renderer("auto", KITTY, stdout_is_tty=False) is Renderer.HALFCELL
    assert choose_renderer("auto", LOCAL, answered=Renderer.KITTY, stdout_is_tty=False) is (
        Renderer.HALFCELL
    )
    assert choose_renderer("kitty", LOCAL, stdout_is_tty=False) is Renderer.KITTY


def test_an_unknown_setting_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match="auto, kitty, sixel, halfcell, unicode, off"):
        choose_renderer("iterm", LOCAL)


@pytest.mark.parametrize(
    ("env", "is_tty", "allowed"),
    [
        pytest.param(LOCAL, True, True, id="local-terminal"),
        pytest.param(LOCAL, False, False, id="no-terminal"),
        pytest.param(TMUX, True, False, id="tmux"),
        pytest.param(SSH, True, False, id="ssh"),
        pytest.param(KITTY, True, False, id="kitty-known-by-name"),
        pytest.param({"TERM": "foot"}, True, False, id="foot-known-by-name"),
        pytest.param({"TERM": "dumb"}, True, False, id="dumb"),
        pytest.param({}, True, False, id="no-term"),
    ],
)
def test_the_terminal_is_asked_only_where_it_is_safe_and_useful(
    env: dict[str, str], is_tty: bool, allowed: bool
) -> None:
    assert may_query_terminal(env, is_tty=is_tty) is allowed
