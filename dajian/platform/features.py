"""The platform features that register themselves: reference kinds (files), job handlers and
write guards (flows), the flow listener and job handlers (rules), the search tables, publish hooks
(cron rules), the template install jobs, the bulk print jobs. Every process — API server,
``dajian worker``, CLI, Alembic — imports this one module, so all of them see the same registrations.
"""

from __future__ import annotations

from dajian.platform import files as files
from dajian.platform import flows as flows
from dajian.platform import rules as rules
from dajian.platform import search as search
from dajian.platform import surveys as surveys
from dajian.platform.apps import register_publish_hook
from dajian.platform.events import register_flow_listener
from dajian.platform.market import install_jobs as install_jobs
from dajian.platform.market import sandbox as sandbox
from dajian.platform.printing import jobs as print_jobs  # noqa: F401  (registers its job handler)
from dajian.platform.rules.listener import on_flow_event
from dajian.platform.rules.timers import sync_schedules

register_flow_listener(on_flow_event)
register_publish_hook(lambda conn, runtime: sync_schedules(conn, runtime))  # arm cron rules of the new version
