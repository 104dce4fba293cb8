"""Precedent's web UI (filled in by the UI module)."""

from .app import create_app

__all__ = ["create_app"]
