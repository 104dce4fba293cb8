"""Waitress, with the app's security headers on the error pages waitress writes itself.

Waitress answers a request it cannot parse (400), one whose headers are too large (431) or whose body
is (413) before the app sees it, from its ErrorTask. That task is chosen per connection by the
channel class, so a channel whose error task adds the headers gives those pages the same protection
as the app's own.
"""

from __future__ import annotations

import waitress
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import ErrorTask

from .app import SECURITY_HEADERS


class SecureErrorTask(ErrorTask):
    def execute(self):
        # before the body is written: the first write sends the headers
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class SecureChannel(HTTPChannel):
    error_task_class = SecureErrorTask


def create_server(app, **adjustments):
    """A waitress server (one or several listening sockets) whose error pages carry the headers."""
    server = waitress.create_server(app, **adjustments)
    listeners = [server, *getattr(server, "map", {}).values()]
    for listener in listeners:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = SecureChannel
    return server
