"""Form validation: Dajian's save pipeline vs a hand-written Pydantic v2 model of the same form.

A customer complaint record of 21 input fields and 2 formulas (the intake form of the complaint process:
customer, contact, channel, received at, order/product, category, description,
priority P1–P4, expectation, amounts, attachments, receiver) with linkage and
formulas:

* ``contact_email`` is shown and required only when ``channel`` is ``email``;
* ``compensation_amount`` is shown and required only when ``expectation`` is ``compensation``;
* ``order_no`` is required when ``category`` is ``quality`` or ``delivery``;
* ``receiver`` / ``receiver_dept`` default to the current user / department;
* formulas ``amount_with_tax = ROUND(order_amount * 1.13, 2)`` and ``is_high_value = order_amount > 5000``;
* one custom validation: the compensation may not exceed the order amount.

Ours is ``prepare(compiled, record, existing=None, ctx=...)`` on a form compiled
once before timing (coercion, defaults, formulas, linkage, required, custom
validation — the whole server-side save pipeline). The baseline is a Pydantic v2
``BaseModel`` written by hand for exactly this form: the same types and
constraints, ``model_validator``s for the same linkage, formulas and rule.

The same N records (≈10 % invalid, one mistake each, fixed seed) go to both;
both must agree on which are valid and, for the valid ones, on the computed and
linked values (checked in an untimed pass). Best of 3 runs, the two sides
alternating; 50k records, 10k with ``--quick``. Like a server, the timed runs
drop each result once validated, and the inputs are frozen out of the garbage
collector, so neither side pays for collector passes over data a request would
not hold (Pydantic's result models are tracked objects and would pay most).

    .venv/bin/python bench/form_validate.py [--quick] [--profile]

Target ``>=0.5``: the issue fixes none. Pydantic's validation core is compiled
Rust specialised for one model, ours is a generic interpreter over any form
definition written in Python, so matching it is not expected; being within 2x
means form validation is never the bottleneck of a save (the database round trip
costs far more than either).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dajian.engines.expr import EvalContext
from dajian.engines.form.compile import CompiledForm, check_form, compile_form
from dajian.engines.form.model import FormDef
from dajian.engines.form.prepare import prepare

# --- the form ---------------------------------------------------------------------

CHANNELS = ("phone", "email", "wechat", "weibo", "web", "store")
CATEGORIES = ("quality", "delivery", "service", "billing", "other")
PRIORITIES = ("P1", "P2", "P3", "P4")
EXPECTATIONS = ("refund", "exchange", "repair", "compensation")
TAGS = ("repeat", "media_risk", "vip_customer", "safety", "escalated")
CUSTOMER_ID = r"^C\d{6}$"
ORDER_NO = r"^SO\d{8}$"
EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,63}$"  # dajian/engines/form/fields.py EMAIL
PHONE = r"^\+?[0-9][0-9 \-]{4,19}$"  # dajian/engines/form/fields.py PHONE
SHA256 = r"^[0-9a-f]{64}$"
MAX_FILES = 5
MAX_AMOUNT = 10_000_000
USER_ID, DEPT_ID = 7, 3
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CST = timezone(timedelta(hours=8))


def _f(key: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "kind": kind, "label": {"zh-CN": key, "en": key}, **extra}


def _options(values: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{"value": v, "label": {"zh-CN": v}} for v in values]


def complaint_form() -> FormDef:
    is_email = {"==": [{"var": "channel"}, "email"]}
    is_compensation = {"==": [{"var": "expectation"}, "compensation"]}
    return FormDef.model_validate({
        "key": "complaint",
        "label": {"zh-CN": "客诉记录", "en": "Complaint"},
        "fields": [
            _f("customer_id", "text", required=True, pattern=CUSTOMER_ID),
            _f("contact_name", "text", required=True, max_length=50),
            _f("contact_phone", "phone", required=True),
            _f("channel", "single_select", required=True, options=_options(CHANNELS)),
            _f("contact_email", "email", visible_if=is_email, required_if=is_email),
            _f("received_at", "datetime", required=True),
            _f("order_no", "text", pattern=ORDER_NO, required_if='IN(category, "quality", "delivery")'),
            _f("product", "text", max_length=100),
            _f("category", "single_select", required=True, options=_options(CATEGORIES)),
            _f("tags", "multi_select", options=_options(TAGS)),
            _f("description", "long_text", required=True, min_length=10, max_length=2000),
            _f("priority", "single_select", required=True, options=_options(PRIORITIES)),
            _f("expectation", "single_select", required=True, options=_options(EXPECTATIONS)),
            _f("order_amount", "decimal", scale=2, min=0, max=MAX_AMOUNT),
            _f("quantity", "integer", min=1, max=999),
            _f("compensation_amount", "decimal", scale=2, min=0, visible_if=is_compensation,
               required_if=is_compensation),
            _f("promised_date", "date"),
            _f("is_vip", "boolean", default=False),
            _f("attachments", "attachment", config={"max_files": MAX_FILES}),
            _f("receiver", "user", required=True, default_from="current_user"),
            _f("receiver_dept", "department", default_from="current_dept"),
            _f("amount_with_tax", "formula", formula="ROUND(order_amount * 1.13, 2)",
               config={"result": "decimal", "scale": 2}),
            _f("is_high_value", "formula", formula="order_amount > 5000", config={"result": "boolean"}),
        ],
        "validations": [{
            "key": "compensation_cap",
            "condition": "OR(ISBLANK(compensation_amount), compensation_amount <= order_amount)",
            "message": {"zh-CN": "补偿金额不能超过订单金额", "en": "Compensation is at most the order amount"},
            "fields": ["compensation_amount"],
        }],
    })


def compiled_form() -> CompiledForm:
    # registers the attachment kind as the platform does (imported late: the kind registry imports it too)
    from dajian.engines.form import kind_files  # noqa: F401

    form = complaint_form()
    problems = list(check_form(form, ""))
    assert not problems, problems
    return compile_form(form, table_name="f1_complaint")


# --- the hand-written Pydantic model of the same form -----------------------------

CENT = Decimal("0.01")
TAX = Decimal("1.13")
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2, allow_inf_nan=False)]
Id = Annotated[int, Field(gt=0, le=2**63 - 1)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=EMAIL)]


class FileRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    sha256: Annotated[str, StringConstraints(pattern=SHA256)]
    size: int | None = None
    mime: str | None = None


class Complaint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: Annotated[str, StringConstraints(max_length=1000, pattern=CUSTOMER_ID)]
    contact_name: Annotated[str, StringConstraints(max_length=50)]
    contact_phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=PHONE)]
    contact_email: Email | None = None
    channel: Literal["phone", "email", "wechat", "weibo", "web", "store"]
    received_at: datetime
    order_no: Annotated[str, StringConstraints(max_length=1000, pattern=ORDER_NO)] | None = None
    product: Annotated[str, StringConstraints(max_length=100)] | None = None
    category: Literal["quality", "delivery", "service", "billing", "other"]
    tags: list[Literal["repeat", "media_risk", "vip_customer", "safety", "escalated"]] | None = None
    description: Annotated[str, StringConstraints(min_length=10, max_length=2000)]
    priority: Literal["P1", "P2", "P3", "P4"]
    expectation: Literal["refund", "exchange", "repair", "compensation"]
    order_amount: Annotated[Money, Field(le=MAX_AMOUNT)] | None = None
    quantity: Annotated[int, Field(ge=1, le=999)] | None = None
    compensation_amount: Money | None = None
    promised_date: date | None = None
    is_vip: bool = False
    attachments: Annotated[list[FileRef], Field(max_length=MAX_FILES)] | None = None
    receiver: Id
    receiver_dept: Id | None = None
    # formulas: computed here, never accepted from the client
    amount_with_tax: Decimal | None = None
    is_high_value: bool = False

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict):
            if "amount_with_tax" in data or "is_high_value" in data:
                raise ValueError("formulas are computed by the server and cannot be written")
            ctx = info.context or {}
            if data.get("receiver") is None or data.get("receiver_dept") is None:
                data = dict(data)
                data.setdefault("receiver", ctx.get("user_id"))
                data.setdefault("receiver_dept", ctx.get("dept_id"))
        return data

    @field_validator("received_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @field_validator("order_amount", "compensation_amount")
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else value.quantize(CENT)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(value))

    @field_validator("attachments")
    @classmethod
    def _unique_files(cls, value: list[FileRef] | None) -> list[FileRef] | None:
        if value is not None and len({f.id for f in value}) != len(value):
            raise ValueError("the same file is listed twice")
        return value

    @model_validator(mode="after")
    def _logic(self) -> Complaint:
        # formulas
        amount = self.order_amount
        self.amount_with_tax = None if amount is None else (amount * TAX).quantize(CENT, rounding=ROUND_HALF_UP)
        self.is_high_value = amount is not None and amount > 5000
        # linkage: hidden fields are not required and not written
        missing = []
        if self.channel != "email":
            self.contact_email = None
        elif self.contact_email is None:
            missing.append("contact_email")
        if self.expectation != "compensation":
            self.compensation_amount = None
        elif self.compensation_amount is None:
            missing.append("compensation_amount")
        if self.category in ("quality", "delivery") and self.order_no is None:
            missing.append("order_no")
        if missing:
            raise ValueError(f"required: {', '.join(missing)}")
        # the custom validation
        comp = self.compensation_amount
        if comp is not None and (amount is None or comp > amount):
            raise ValueError("补偿金额不能超过订单金额")
        return self


# --- data -------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英")
PRODUCTS = ("智能空气净化器 X3", "无线降噪耳机 Pro", "家用咖啡机 C200", "儿童安全座椅 S1", "扫地机器人 R9",
            "电动牙刷 T5", "4K 投影仪 P10", "蓝牙音箱 Mini")
PROBLEMS = ("收到商品外包装破损,机身有明显划痕,要求处理。", "下单后七天仍未发货,客服一直没有回复。",
            "使用两周后无法开机,已按说明书排查无果。", "实际扣款金额与订单金额不一致,多扣了运费。",
            "安装师傅上门迟到三个小时且态度恶劣。", "赠品未随商品一起寄出,页面承诺的赠品缺失。",
            "产品异响严重,影响正常使用,希望尽快解决。")
DOMAINS = ("qq.com", "163.com", "example.cn", "corp.example.com")
INVALID_SHARE = 0.10


def _valid_record(rng: random.Random) -> dict[str, Any]:
    channel = rng.choice(CHANNELS)
    category = rng.choice(CATEGORIES)
    expectation = rng.choice(EXPECTATIONS)
    amount = Decimal(rng.randint(990, 1_500_000)).scaleb(-2)
    received = NOW - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
    rec: dict[str, Any] = {
        "customer_id": f"C{rng.randint(0, 999_999):06d}",
        "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "contact_phone": f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
        "channel": channel,
        "received_at": received.astimezone(CST).isoformat() if rng.random() < 0.5
        else received.isoformat().replace("+00:00", "Z"),
        "product": rng.choice(PRODUCTS),
        "category": category,
        "description": rng.choice(PROBLEMS) + f" 工单参考号 {rng.randint(1000, 9999)}。",
        "priority": rng.choices(PRIORITIES, weights=(1, 3, 5, 3))[0],
        "expectation": expectation,
        "order_amount": str(amount),
        "quantity": rng.randint(1, 5),
    }
    if channel == "email" or rng.random() < 0.2:  # sometimes sent although hidden: not written
        rec["contact_email"] = f"user{rng.randint(1, 99_999)}@{rng.choice(DOMAINS)}"
    if category in ("quality", "delivery") or rng.random() < 0.5:
        rec["order_no"] = f"SO{rng.randint(0, 99_999_999):08d}"
    if expectation == "compensation" or rng.random() < 0.1:
        rec["compensation_amount"] = str((amount * Decimal(rng.randint(5, 100)) / 100).quantize(CENT))
    if rng.random() < 0.6:
        rec["tags"] = rng.sample(TAGS, rng.randint(1, 3))
    if rng.random() < 0.5:
        rec["promised_date"] = (received.date() + timedelta(days=rng.randint(1, 14))).isoformat()
    if rng.random() < 0.5:
        rec["is_vip"] = rng.random() < 0.2
    if rng.random() < 0.4:
        rec["attachments"] = [
            {"id": rng.randint(1, 10**6) * 10 + i, "name": f"凭证{i + 1}.jpg", "size": rng.randint(10_000, 900_000),
             "mime": "image/jpeg", "sha256": f"{rng.getrandbits(256):064x}"}
            for i in range(rng.randint(1, 3))]
    if rng.random() < 0.3:
        rec["receiver"] = rng.randint(1, 500)
        rec["receiver_dept"] = rng.randint(1, 40)
    return rec


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(rec: dict[str, Any]) -> None:
        rec[key] = value
    return apply


def _drop(*keys: str) -> Callable[[dict[str, Any]], None]:
    def apply(rec: dict[str, Any]) -> None:
        for key in keys:
            rec.pop(key, None)
    return apply


def _too_much_compensation(rec: dict[str, Any]) -> None:
    rec["expectation"] = "compensation"
    rec["compensation_amount"] = str(Decimal(rec["order_amount"]) + 1)


def _bad_file(rec: dict[str, Any]) -> None:
    rec["attachments"] = [{"id": 1, "name": "x.jpg", "sha256": "not-a-hash"}]


# one mistake per invalid record, each caught by a different rule
MISTAKES: list[Callable[[dict[str, Any]], None]] = [
    _drop("customer_id"),
    _set("customer_id", "X12"),
    _set("contact_phone", "call me"),
    lambda r: (r.update(channel="email"), r.pop("contact_email", None)),  # required_if
    lambda r: r.update(channel="email", contact_email="foo@"),
    _set("priority", "P5"),
    lambda r: (r.update(expectation="compensation"), r.pop("compensation_amount", None)),  # required_if
    _too_much_compensation,  # the custom validation
    _set("description", "坏了"),
    _set("quantity", 0),
    _set("order_amount", "12.345"),
    _set("received_at", "yesterday"),
    lambda r: (r.update(category="quality"), r.pop("order_no", None)),  # required_if with IN()
    _set("tags", ["repeat", "angry"]),
    _bad_file,
    _set("receiver", -1),
    _set("is_high_value", True),  # formulas cannot be written
    _set("promised_date", "2026-02-30"),
]


def records(n: int, seed: int = 20260302) -> tuple[list[dict[str, Any]], list[bool]]:
    rng = random.Random(seed)
    data, valid = [], []
    for _ in range(n):
        rec = _valid_record(rng)
        ok = rng.random() >= INVALID_SHARE
        if not ok:
            rng.choice(MISTAKES)(rec)
        data.append(rec)
        valid.append(ok)
    return data, valid


# --- the two sides ------------------------------------------------------------------

COMPARED = ("amount_with_tax", "is_high_value", "contact_email", "compensation_amount", "receiver", "receiver_dept",
            "order_amount", "received_at", "is_vip", "tags", "promised_date", "contact_phone", "order_no")


def ours(form: CompiledForm, data: list[dict[str, Any]], ctx: EvalContext, *, keep: bool) -> list[Any]:
    """Each record's values if valid, else None; with ``keep=False`` only whether it is valid
    (a server drops each result after its request, so the timed runs do not pile them up)."""
    out: list[Any] = []
    for rec in data:
        done = prepare(form, rec, existing=None, ctx=ctx)
        out.append((None if done.issues else done.values) if keep else not done.issues)
    return out


def baseline(data: list[dict[str, Any]], context: dict[str, Any], *, keep: bool) -> list[Any]:
    out: list[Any] = []
    validate = Complaint.model_validate
    for rec in data:
        try:
            model = validate(rec, context=context)
        except ValidationError:
            out.append(None if keep else False)
        else:
            out.append(model if keep else True)
    return out


def best_of(runs: int, *functions: Callable[[], list[Any]]) -> list[tuple[float, list[Any]]]:
    """Best time of each function over ``runs`` rounds; the functions alternate within a round so
    a busy machine slows both sides alike."""
    best = [float("inf")] * len(functions)
    results: list[list[Any]] = [[] for _ in functions]
    for _ in range(runs):
        for i, function in enumerate(functions):
            results[i] = []  # the previous run's output is garbage before the next starts
            gc.collect()
            started = time.perf_counter()
            results[i] = function()
            best[i] = min(best[i], time.perf_counter() - started)
    return list(zip(best, results, strict=True))


def agree(data: list[dict[str, Any]], expected: list[bool], mine: list[Any], theirs: list[Any]) -> None:
    for i, (rec, want, a, b) in enumerate(zip(data, expected, mine, theirs, strict=True)):
        assert (a is not None) == (b is not None) == want, f"record {i}: ours={a is not None} " \
            f"pydantic={b is not None} expected={want}: {rec}"
        if a is not None:
            got = {k: a[k] for k in COMPARED}
            other = {k: getattr(b, k) for k in COMPARED}
            assert got == other, f"record {i}: {got} != {other}"


def profile(form: CompiledForm, data: list[dict[str, Any]], ctx: EvalContext, top: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    ours(form, data, ctx, keep=False)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"dajian/", top)
    text = re.sub(r"\n{3,}", "\n\n", stream.getvalue()).strip("\n")
    return f"--- cProfile of ours, {len(data)} records (top {top} by own time, then ours by cumulative) ---\n{text}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10k records instead of 50k")
    parser.add_argument("--profile", action="store_true", help="print a cProfile top-15 of our side")
    args = parser.parse_args()
    n = 10_000 if args.quick else 50_000

    form = compiled_form()
    ctx = EvalContext(now=NOW, user_id=USER_ID, dept_id=DEPT_ID)
    context = {"user_id": USER_ID, "dept_id": DEPT_ID}
    data, expected = records(n)
    # a server sees one record per request: keep the collector off the N inputs (as it is off the loaded code)
    gc.collect()
    gc.freeze()

    agree(data, expected, ours(form, data, ctx, keep=True), baseline(data, context, keep=True))
    (our_time, mine), (base_time, theirs) = best_of(3, lambda: ours(form, data, ctx, keep=False),
                                                    lambda: baseline(data, context, keep=False))
    assert mine == theirs == expected, "the timed runs disagree"
    print(f"{n} records, {n - sum(expected)} invalid; ours {our_time:.3f} s, pydantic {base_time:.3f} s "
          f"(best of 3); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr, flush=True)

    value, base = n / our_time, n / base_time
    print(f"RESULT name=form_validate value={value:.1f} baseline={base:.1f} ratio={value / base:.3f} target=>=0.5",
          flush=True)
    if args.profile:
        print(profile(form, data, ctx))


if __name__ == "__main__":
    main()
