"""Rules on the platform: tables, the record reactions, timers, the outbox (messages, webhooks) and the
inbound channels. Importing the package registers the tables on ``metadata`` and
the job handlers (``notify``, ``notify.digest``, ``webhook``, ``rules.timer``, ``rules.cron``,
``public_uploads.sweep``)."""

from __future__ import annotations

from dajian.platform.jobs import register_job_handler

from . import public_uploads as public_uploads
from . import tables as tables
from .listener import on_flow_event
from .notify import handle_digest, handle_notify
from .plans import app_rule_issues
from .timers import on_cron, on_timer, sync_schedules
from .upload_sweep import SWEEP_KIND, sweep
from .webhooks import deliver


def register() -> None:
    for kind, handler in (("notify", handle_notify), ("notify.digest", handle_digest), ("webhook", deliver),
                          ("rules.timer", on_timer), ("rules.cron", on_cron), (SWEEP_KIND, sweep)):
        register_job_handler(kind, handler, replace=True)


register()

__all__ = ["app_rule_issues", "on_flow_event", "sync_schedules"]
