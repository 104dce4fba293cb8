"""Conversations persisted in SQLite under the instance folder, so they survive restarts.

Each belongs to the browser that started it (an owner cookie): another browser holding its id sees a 404.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import asdict

from flask import Flask, current_app, g, request

from indexer.search.followup import Turn

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, created TEXT DEFAULT CURRENT_TIMESTAMP,
    owner TEXT);
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


OWNER_COOKIE = "precedent_owner"


def init_app(app: Flask) -> None:
    with sqlite3.connect(app.config["CONVERSATIONS"]) as db:
        db.executescript(SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(conversations)")}
        if "owner" not in columns:  # a store from before owners: its conversations belong to no one
            db.execute("ALTER TABLE conversations ADD COLUMN owner TEXT")
    app.teardown_appcontext(close_db)
    app.after_request(_give_owner_cookie)


def owner() -> str:
    """This browser's owner key: its cookie, or a new one sent back with the response."""
    key = request.cookies.get(OWNER_COOKIE) or g.get("new_owner")
    if not key:
        key = g.new_owner = secrets.token_urlsafe(24)
    return key


def _give_owner_cookie(response):
    if g.get("new_owner"):
        response.set_cookie(OWNER_COOKIE, g.new_owner, max_age=400 * 24 * 3600, httponly=True,
                            samesite="Lax", secure=request.is_secure, path="/")
    return response


def exists(conversation_id: str) -> bool:
    """Whether this browser started a conversation with this id."""
    key = request.cookies.get(OWNER_COOKIE)
    if not key:
        return False
    row = get_db().execute("SELECT owner FROM conversations WHERE id = ?", (conversation_id,)).fetchone()
    return row is not None and row["owner"] is not None and secrets.compare_digest(row["owner"], key)


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
            db.execute("INSERT INTO conversations (id, owner) VALUES (?, ?)", (conversation_id, owner()))
        number = db.execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?",
                            (conversation_id,)).fetchone()[0] + 1
        db.execute("INSERT INTO turns VALUES (?, ?, ?, ?)",
                   (conversation_id, number, message, json.dumps(asdict(turn))))
    return conversation_id, number
