"""The platform features that register themselves: reference kinds (files), job handlers and
write guards (flows), record listeners (search). Every process — API server, ``dajian worker``,
CLI, Alembic — imports this one module, so all of them see the same registrations.
"""

from __future__ import annotations

from dajian.platform import files as files
from dajian.platform import flows as flows
from dajian.platform import search as search
from dajian.platform.events import register_record_listener

register_record_listener(search.on_record_event)
