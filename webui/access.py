"""Who may ask: the access token off loopback, allowed Host names, same-origin writes, relative redirects.

Bound to loopback, the server answers anyone on this machine; bound anywhere else it refuses to start
without a token. With a token, every route but /healthz (and the login form and static files) needs it:
`Authorization: Bearer <token>` for scripts, or a cookie a browser gets once from the login form or a
`?token=` link. A Host header naming someone else is a 400 (DNS rebinding), a write whose Origin or
Referer is another site is a 403 (cross-site form posts), and a redirect never names a host.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from flask import Blueprint, Flask, current_app, g, redirect, render_template, request

from indexer.settings import Settings

from .errors import BadRequest

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
TOKEN_COOKIE = "precedent_access"
OPEN_PATHS = ("/healthz", "/login", "/static/")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

bp = Blueprint("access", __name__)


MIN_TOKEN_CHARS = 16  # a token guessable in a few tries guards nothing

class AccessRefused(Exception):
    """The server would be reachable by others without a token; the message says what to do."""


@dataclass(frozen=True)
class Access:
    token: str
    hosts: frozenset[str]  # Host header names (no port) this server answers to

    @classmethod
    def for_bind(cls, settings: Settings, bind: str) -> Access:
        """What the server bound to `bind` accepts; AccessRefused when it would be open off loopback."""
        named = {h.strip().lower().strip("[]") for h in settings.allowed_hosts.split(",") if h.strip()}
        bind = bind.strip("[]").lower()
        if not is_loopback(bind) and not settings.token:
            raise AccessRefused(f"serving on {bind} (not loopback) needs an access token: set "
                                "PRECEDENT_TOKEN, or serve on 127.0.0.1")
        if not is_loopback(bind) and len(settings.token.strip()) < MIN_TOKEN_CHARS:
            raise AccessRefused(f"PRECEDENT_TOKEN is too short to guard {bind}: use {MIN_TOKEN_CHARS} or "
                                "more characters, e.g. python3 -c 'import secrets; "
                                "print(secrets.token_urlsafe())'")
        return cls(settings.token, frozenset(LOOPBACK_NAMES | {bind} | named))

    def knows(self, host: str) -> bool:
        """A Host header this server answers to: a name it was given, or an IP address (a rebinding attack
        needs a name the attacker controls, so an address is never one)."""
        name = host_name(host)
        return name in self.hosts or _is_address(name)

    def session_value(self) -> str:
        """The cookie a logged-in browser holds: derived from the token, never the token itself."""
        return hmac.new(self.token.encode(), b"precedent browser session", hashlib.sha256).hexdigest()

    def accepts(self, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(presented.encode(), self.token.encode())

    def logged_in(self) -> bool:
        header = request.headers.get("Authorization", "")
        scheme, _, presented = header.partition(" ")
        if scheme.lower() == "bearer" and self.accepts(presented.strip()):
            return True
        cookie = request.cookies.get(TOKEN_COOKIE, "")
        return hmac.compare_digest(cookie.encode(), self.session_value().encode())


def is_loopback(host: str) -> bool:
    return host.lower() == "localhost" or (_is_address(host) and ipaddress.ip_address(host).is_loopback)


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_name(host: str) -> str:
    """The name in a Host header, without its port ("[::1]:8000" -> "::1")."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def get_access() -> Access:
    return current_app.extensions["precedent.access"]


def init_app(app: Flask) -> None:
    """Check every request's Host, origin and token; make every redirect relative."""
    bind = app.config.get("PRECEDENT_HOST", "127.0.0.1")
    app.extensions["precedent.access"] = Access.for_bind(app.config["PRECEDENT"], bind)
    app.register_blueprint(bp)
    app.before_request(_check_request)
    app.after_request(_relative_location)
    app.after_request(_remember_login)


def _check_request():
    access = get_access()
    if not access.knows(request.host):
        raise BadRequest("unknown Host header: this server answers only to the names in "
                         "PRECEDENT_ALLOWED_HOSTS (and its own address)")
    if request.method in UNSAFE_METHODS and not _same_origin():
        raise BadRequest("refused: the request came from another site", 403)
    if not access.token or request.path.startswith(OPEN_PATHS):
        return None
    if access.accepts(request.args.get("token")):  # a ?token= link: log the browser in, drop the token
        g.log_in = True
        query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "token"])
        return redirect(_local(request.path) + (f"?{query}" if query else ""), code=303)
    if access.logged_in():
        return None
    if request.path.startswith("/api/"):
        return {"error": "an access token is needed: send Authorization: Bearer <token>"}, 401, {
            "WWW-Authenticate": "Bearer"}
    return render_template("login.html", next=_local(request.full_path), failed=False), 401


def _same_origin() -> bool:
    """False when the Origin (or, without one, the Referer) names another host than this request's."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        return True  # not a browser's cross-site request: browsers send Origin on every cross-site POST
    if source == "null":
        return False
    return urlsplit(source).netloc.lower() == request.host.lower()


def _local(target: str | None) -> str:
    """A path on this site, never another host's ("//evil" or "http://evil/" become "/")."""
    if not target:
        return "/"
    parts = urlsplit(target)
    path = "/" + parts.path.lstrip("/\\") if not parts.netloc and not parts.scheme else "/"
    return urlunsplit(("", "", path, parts.query, "")).rstrip("?") or "/"


def _relative_location(response):
    """Keep Location headers on this site and free of the Host header (werkzeug builds absolute ones,
    e.g. for merged slashes, from whatever Host the client sent)."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        path = "/" + parts.path.lstrip("/\\")
        response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


def _remember_login(response):
    if g.get("log_in"):
        response.set_cookie(TOKEN_COOKIE, get_access().session_value(), httponly=True,
                            samesite="Strict", secure=request.is_secure, path="/")
    return response


@bp.get("/login")
def login_form():
    return render_template("login.html", next=_local(request.args.get("next")), failed=False)


@bp.post("/login")
def login():
    access = get_access()
    if not access.token or not access.accepts(request.form.get("token")):
        return render_template("login.html", next=_local(request.form.get("next")), failed=True), 401
    g.log_in = True
    return redirect(_local(request.form.get("next")), code=303)
