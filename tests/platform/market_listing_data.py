"""Published templates for listing and queue tests, made through the center's own service functions (signed
packages, the review moves), and taken out again: the template center is one for the whole database, shared by
every organisation and every test, so a test removes what it put in."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from dajian.platform.market import center, listing
from dajian.platform.market.center_tables import market_publishers, market_reviewers, market_templates
from dajian.platform.market.package import new_key, pack_folder, sign_package
from dajian.platform.principal import Principal
from tests.platform.conftest import ticket_app
from tests.platform.test_market_install import template

NAMES = ["访客登记", "设备巡检", "采购申请", "合同审批", "请假出差", "报修工单", "质量改进", "客户回访", "库存盘点",
         "招聘面试", "费用报销", "会议室预订", "资产台账", "供应商评估", "项目周报", "培训签到"]


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that takes SQLite's write lock at BEGIN. Beside a running server (its workers
    write too), a deferred one that reads first fails at its first write ("database is locked", at once,
    not after the busy timeout) when another write committed in between; this one waits its turn."""
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn, conn.begin():
        yield conn


@dataclass
class Publisher:
    """A partner who publishes and the reviewer who approves, as service-call principals."""

    engine: Engine
    partner: Principal
    reviewer: Principal
    name: str
    key_pem: bytes

    def package(self, tmp: Path, *, key: str, version: str, name: str, category: str, tags: Sequence[str],
                screenshot: bytes | None = None) -> bytes:
        folder = template(tmp / f"{key}-{version}", ticket_app(key=key, label={"zh-CN": name, "en": key}), version)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        manifest.update(name={"zh-CN": name, "en": key.replace("_", " ").title()}, publisher=self.name,
                        category=category, tags=list(tags),
                        description={"zh-CN": f"{name}模板，安装即用", "en": f"The {key} template"})
        if screenshot is not None:
            (folder / "screens").mkdir()
            (folder / "screens" / "main.png").write_bytes(screenshot)
            manifest["screenshots"] = ["screens/main.png"]
        (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        return sign_package(pack_folder(folder), self.key_pem)

    def upload(self, data: bytes) -> int:
        with writing(self.engine) as conn:
            return int(center.upload_version(conn, self.partner, data)["id"])

    def move(self, version_id: int, *actions: str) -> None:
        for action in actions:
            who = self.partner if center.MOVES[action].who == "publisher" else self.reviewer
            with writing(self.engine) as conn:
                center.act(conn, who, version_id, action, "测试" if action == "request_changes" else None)

    def publish(self, data: bytes, *, installs: int = 0) -> int:
        version_id = self.upload(data)
        self.move(version_id, "submit", "approve", "publish")
        with writing(self.engine) as conn:
            key = center.version_detail(conn, self.reviewer, version_id)
            for _ in range(installs):
                listing.package_data(conn, key["template"], key["version"])
        return version_id

    def remove(self) -> None:
        """Take this publisher's templates and the reviewer out of the center."""
        remove_from_center(self.engine, partners=[self.partner.user_id], reviewers=[self.reviewer.user_id])


def remove_from_center(engine: Engine, *, partners: Sequence[int], reviewers: Sequence[int]) -> None:
    """The publishers of ``partners`` with their templates (versions, review events and ratings go with them) and
    the reviewers ``reviewers``: what a test added to the center, taken out again."""
    with writing(engine) as conn:
        theirs = select(market_publishers.c.id).where(market_publishers.c.user_id.in_(partners))
        conn.execute(delete(market_templates).where(market_templates.c.publisher_id.in_(theirs)))
        conn.execute(delete(market_publishers).where(market_publishers.c.user_id.in_(partners)))
        conn.execute(delete(market_reviewers).where(market_reviewers.c.user_id.in_(reviewers)))


def publisher(engine: Engine, *, org_id: int, partner_id: int, reviewer_id: int, name: str) -> Publisher:
    """A publisher profile with a registered key for ``partner_id``; ``reviewer_id`` made a reviewer."""
    key_pem, public = new_key()

    def as_user(user_id: int) -> Principal:
        return Principal(user_id=user_id, org_id=org_id, dept_id=None, is_org_admin=False, via="system")

    found = Publisher(engine=engine, partner=as_user(partner_id), reviewer=as_user(reviewer_id), name=name,
                      key_pem=key_pem)
    with writing(engine) as conn:
        center.save_profile(conn, found.partner, name=name, site=None, description=None)
        center.add_key(conn, found.partner, public)
        center.add_reviewer(conn, reviewer_id)
    return found


def publish_many(who: Publisher, tmp: Path, *, prefix: str, count: int, category: str,
                 tags: Sequence[str] = (), screenshot: bytes | None = None) -> list[dict[str, Any]]:
    """``count`` published templates ``<prefix>_00``…, the i-th installed ``(i * 5) % 7`` times; returns
    their key, name and installs."""
    made = []
    for i in range(count):
        key, name, installs = f"{prefix}_{i:02d}", NAMES[i % len(NAMES)], (i * 5) % 7
        data = who.package(tmp, key=key, version="1.0.0", name=name, category=category, tags=tags,
                           screenshot=screenshot if i % 3 != 2 else None)
        who.publish(data, installs=installs)
        made.append({"key": key, "name": name, "installs": installs})
    return made
