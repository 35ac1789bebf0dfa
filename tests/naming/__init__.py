"""Tests of the file-name parser (reel_tui.engine.backends.local.naming)."""
