"""The app's stylesheet: Textual's, parsing each source once for as long as the variables stay.

Textual forgets everything it parsed whenever CSS variables are set, even to the same values,
and re-parses every source into a fresh sheet. Its start sets them once (applying the theme)
between the first two parses, so each source present at that moment (the app's CSS, App,
Screen and Widget defaults) is parsed three times before the first frame; and every later
`reparse` (a place bringing its styles) parses every source again. This sheet keeps what it
parsed while the variables hold the same values, and reparses from scratch when they change
(another theme), as Textual does.

It relies on `Stylesheet` internals (`_variables`, `_require_parse`): Textual is pinned to one
version in pyproject.toml; `tests/tui/test_stylesheet.py` checks the behaviour relied on.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ReusingStylesheet(Stylesheet):
    """A `Stylesheet` that re-parses only what changed while its variables stay the same."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parsed_with: dict[str, str] | None = None
        """The variables of the last complete parse (None before one)."""

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # the same values: every rule parsed with them stands
        super().set_variables(variables)

    def parse(self) -> None:
        super().parse()
        self._parsed_with = dict(self._variables)

    def reparse(self) -> None:
        if self._parsed_with is not None and self._parsed_with == self._variables:
            # The rules of unchanged sources come from the parse cache; new ones are parsed.
            self._require_parse = True
            self.parse()
            return
        super().reparse()
        self._parsed_with = dict(self._variables)
