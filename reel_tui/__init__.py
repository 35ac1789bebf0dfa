"""Reel TUI: a keyboard-driven terminal media client."""

__version__ = "0.1.0"
