"""The app's stylesheet keeps what it parsed while the theme stays, and follows a new theme.

`ReusingStylesheet` leans on Textual's `Stylesheet` internals; these tests hold the behaviour
it relies on (rules, their variables, reparse after a new source) and what a user sees of it.
"""

from __future__ import annotations

from textual.app import App
from textual.color import Color
from textual.css.stylesheet import Stylesheet

from reel_tui.engine.engine import Engine
from reel_tui.screens.stylesheet import ReusingStylesheet
from tests.tui.conftest import make_app, settle

FIRST = ".first { color: $accent; }"
SECOND = ".second { background: $primary; }"


def declared(sheet: Stylesheet, selector: str) -> list[str]:
    """The `color` / `background` values of `selector`'s rules (what the rules say)."""
    found = []
    for rule in sheet.rules:
        if rule.selectors == selector:
            styles = rule.styles
            colour = styles.color if styles.has_rule("color") else styles.background
            found.append(colour.hex)
    return found


def test_a_reparse_with_the_same_variables_keeps_the_rules_and_adds_new_ones() -> None:
    variables = App().get_css_variables()
    sheet = ReusingStylesheet(variables=variables)
    sheet.add_source(FIRST, read_from=("test", "first"))
    sheet.parse()
    first = declared(sheet, ".first")
    sheet.set_variables(dict(variables))  # what Textual's refresh_css does on every start
    sheet.add_source(SECOND, read_from=("test", "second"))
    sheet.reparse()
    assert declared(sheet, ".first") == first
    assert declared(sheet, ".second") == [Color.parse(variables["primary"]).hex]


def test_new_variables_are_used_by_every_rule() -> None:
    dark = App().get_css_variables()
    sheet = ReusingStylesheet(variables=dark)
    sheet.add_source(FIRST, read_from=("test", "first"))
    sheet.parse()
    light = {**dark, "accent": "#123456"}
    sheet.set_variables(light)
    sheet.reparse()
    assert declared(sheet, ".first") == ["#123456"]


async def test_the_theme_changes_the_colours_on_screen(library: Engine) -> None:
    app = make_app(library)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = app.screen.query_one("StatusHeader")
        dark = header.styles.background
        app.theme = "textual-light"
        await settle(pilot)
        light = header.styles.background
        assert light != dark
        assert light == Color.parse(app.get_css_variables()["panel"])
