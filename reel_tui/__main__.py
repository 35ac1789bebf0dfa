"""`python -m reel_tui`: the same as the `reel` command."""

from reel_tui.cli import main

main()
