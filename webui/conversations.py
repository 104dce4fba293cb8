"""Conversations persisted in SQLite under the instance folder, so they survive restarts."""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import asdict

from flask import Flask, current_app, g

from indexer.search.followup import Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created TEXT DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id), number INTEGER NOT NULL,
    message TEXT NOT NULL, turn TEXT NOT NULL, PRIMARY KEY (conversation_id, number));
"""


def get_db() -> sqlite3.Connection:
    if "conversations" not in g:
        g.conversations = sqlite3.connect(current_app.config["CONVERSATIONS"], timeout=10)
        g.conversations.row_factory = sqlite3.Row
    return g.conversations


def close_db(_error=None) -> None:
    db = g.pop("conversations", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    with sqlite3.connect(app.config["CONVERSATIONS"]) as db:
        db.executescript(SCHEMA)
    app.teardown_appcontext(close_db)


def exists(conversation_id: str) -> bool:
    row = get_db().execute("SELECT 1 FROM conversations WHERE id = ?", (conversation_id,))
    return row.fetchone() is not None


def turns(conversation_id: str) -> list[tuple[str, Turn]]:
    rows = get_db().execute(
        "SELECT message, turn FROM turns WHERE conversation_id = ? ORDER BY number",
        (conversation_id,))
    return [(r["message"], Turn(**json.loads(r["turn"]))) for r in rows]


def record(conversation_id: str | None, message: str, turn: Turn) -> tuple[str, int]:
    """Store a turn answered, starting the conversation when it is new, in one transaction: a request
    that fails leaves no conversation without turns behind."""
    db = get_db()
    with db:  # commits both rows or neither
        if conversation_id is None:
            conversation_id = secrets.token_urlsafe(9)
            db.execute("INSERT INTO conversations (id) VALUES (?)", (conversation_id,))
        number = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?",
                            (conversation_id,)).fetchone()[0] + 1
        db.execute("INSERT INTO turns VALUES (?, ?, ?, ?)",
                   (conversation_id, number, message, json.dumps(asdict(turn))))
    return conversation_id, number
