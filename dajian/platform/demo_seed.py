"""A template's seed: departments, users with their roles, department managers and fixed records
(products, batches, articles), installed before its demo data; what exists already is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, select

from dajian.platform import apps as app_service
from dajian.platform.auth import create_user, hash_password
from dajian.platform.directory import create_department, grant_role, set_department_manager
from dajian.platform.models import departments, users
from dajian.platform.principal import Principal
from dajian.platform.records import create_records, form_context
from dajian.platform.templates import Seed

BATCH = 500
Row = dict[str, Any]


@dataclass
class People:
    """Who the seed created: ids by username, role members, department ids and each user's department."""

    users: dict[str, int] = field(default_factory=dict)
    roles: dict[str, list[int]] = field(default_factory=dict)
    depts: dict[str, int] = field(default_factory=dict)
    user_depts: dict[int, int | None] = field(default_factory=dict)


@contextmanager
def begun(bind: Engine | Connection) -> Iterator[Connection]:
    """A transaction of its own on an Engine; on a Connection, the caller's (an install job's one transaction)."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.begin() as conn:
        yield conn


@contextmanager
def reading(bind: Engine | Connection) -> Iterator[Connection]:
    """A connection to read with: the caller's, or a new one from the Engine."""
    if isinstance(bind, Connection):
        yield bind
        return
    with bind.connect() as conn:
        yield conn


def seed_plan(seed: Seed) -> list[tuple[str, dict[str, Any]]]:
    """The ``on_step`` calls ``install_seed`` makes: the people, then one per form of records."""
    people = ("seed_people", {"departments": len(seed.departments), "users": len(seed.users)})
    return [people, *(("seed_records", {"form": part.form, "count": len(part.rows)}) for part in seed.records)]


def install_seed(bind: Engine | Connection, principal: Principal, app_key: str, seed: Seed, *, password: str,
                 on_step: Callable[[str, dict[str, Any]], None] | None = None) -> People:
    """Create the seed's departments, users, role memberships and records; what exists is kept. Records go
    in through the record service (permissions, numbering, reactions). ``on_step(name, params)`` is told
    before ``seed_people`` and each form's ``seed_records`` (``{"form": key, "count": rows}``)."""
    people = People()
    shared = hash_password(password)  # demo users share one password: hashed once
    plan = seed_plan(seed)
    if on_step is not None:
        on_step(*plan[0])
    with begun(bind) as conn:
        for dept in seed.departments:
            found = conn.execute(select(departments.c.id).where(
                departments.c.org_id == principal.org_id, departments.c.key == dept["key"])).scalar()
            if found is None:
                parent = people.depts.get(dept["parent"]) if dept.get("parent") else None
                found = create_department(conn, principal, key=dept["key"], name=dept.get("name", dept["key"]),
                                          parent_id=parent)["id"]
            people.depts[dept["key"]] = int(found)
        for person in seed.users:
            dept_id = people.depts.get(person["dept"]) if person.get("dept") else None
            found = conn.execute(select(users.c.id).where(
                users.c.org_id == principal.org_id, users.c.username == person["username"])).scalar()
            if found is None:
                found = create_user(conn, org_id=principal.org_id, username=person["username"], password=password,
                                    display_name=person.get("display_name"), email=person.get("email"),
                                    dept_id=dept_id, password_hash=shared)
            people.users[person["username"]] = int(found)
            people.user_depts[int(found)] = dept_id
            for role in person.get("roles", []):
                grant_role(conn, principal, user_id=int(found), app_key=app_key, role_key=role)
                people.roles.setdefault(role, []).append(int(found))
        for dept in seed.departments:
            if dept.get("manager") in people.users:
                set_department_manager(conn, principal, people.depts[dept["key"]], people.users[dept["manager"]])
    keys: dict[str, dict[str, int]] = {}
    for part, step in zip(seed.records, plan[1:], strict=True):
        if on_step is not None:
            on_step(*step)
        keys[part.form] = _seed_records(bind, principal, app_key, part.form, part.rows, part.key_field, keys)
    return people


def _seed_records(bind: Engine | Connection, principal: Principal, app_key: str, form_key: str, rows: list[Row],
                  key_field: str | None, keys: Mapping[str, Mapping[str, int]]) -> dict[str, int]:
    with begun(bind) as conn:
        runtime = app_service.load_runtime(conn, principal, app_key)
        ctx = form_context(conn, principal, runtime, form_key, "create")
        table = ctx.table
        relations = {f.key: str((f.config or {}).get("form")) for f in ctx.form.form.fields if f.kind == "relation"}
        existing: dict[str, int] = {}
        if key_field:
            query = select(table.c.id, table.c[key_field]).where(table.c.deleted_at.is_(None))
            existing = {str(k): int(i) for i, k in conn.execute(query)}
        fresh = []
        for row in rows:
            if key_field and str(row.get(key_field)) in existing:
                continue
            values = {k: keys.get(relations[k], {}).get(str(v), v) if k in relations else v for k, v in row.items()}
            fresh.append(values)
        for start in range(0, len(fresh), BATCH):
            created = create_records(conn, ctx, fresh[start:start + BATCH])
            if key_field:
                existing.update({str(r[key_field]): int(r["id"]) for r in created})
    return existing
