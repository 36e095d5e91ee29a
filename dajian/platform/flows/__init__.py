"""Flow runs on the platform: tables, the services that start and act on instances, assignee
resolution, timers and SLA jobs, inbox queries. Importing the package registers the tables
on ``dajian.platform.models.metadata`` and the job handlers."""

from __future__ import annotations

from . import guard as guard
from . import sla as sla
from . import tables as tables
from . import timers as timers
