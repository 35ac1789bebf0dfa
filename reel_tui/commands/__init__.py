"""The `reel` command groups, one module each (registered in reel_tui.cli)."""
