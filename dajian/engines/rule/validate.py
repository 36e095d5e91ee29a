"""Checks of the non-rule elements (channels, webhooks, adapters) and Pydantic errors as located issues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from .model import InboundEmailDef, InboundWebhookDef, NotifyChannelDef, PublicFormDef, WebhookDef
from .registry import FormInfo
from .templates import ADAPTER_NAMES, json_template_issues

Issues = list[tuple[str, str]]


def pydantic_issues(exc: ValidationError, path: str) -> Issues:
    out = []
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        message = error["msg"].replace("Extra inputs are not permitted", "unknown property")
        out.append((path + "".join(f"/{p}" for p in loc), message))
    return out


def channel_issues(elements: Sequence[Any], models: Mapping[str, BaseModel], forms: Mapping[str, FormInfo],
                   *, base: str) -> Issues:
    issues: Issues = []
    for i, raw in enumerate(elements):
        key = raw.get("key") if isinstance(raw, Mapping) else None
        model = models.get(str(key))
        if model is not None and getattr(model, "kind", None) == raw.get("kind"):
            issues += list(_issues(model, forms, f"{base}/{i}"))
    return issues


def _issues(model: BaseModel, forms: Mapping[str, FormInfo], path: str) -> Iterator[tuple[str, str]]:
    if isinstance(model, WebhookDef | NotifyChannelDef) and not model.url.startswith(("http://", "https://")):
        yield f"{path}/url", "the URL must start with http:// or https://"
    if isinstance(model, WebhookDef):
        for n, event in enumerate(model.events):
            form = event.split(".")[0]
            if form != "*" and form not in forms:
                yield f"{path}/events/{n}", f"no form '{form}'"
    if isinstance(model, NotifyChannelDef):
        yield from ((path + "/template" + p, m) for p, m in json_template_issues(model.template, names=ADAPTER_NAMES))
    if isinstance(model, PublicFormDef | InboundWebhookDef | InboundEmailDef):
        yield from _inbound(model, forms, path)


def _inbound(model: PublicFormDef | InboundWebhookDef | InboundEmailDef, forms: Mapping[str, FormInfo],
             path: str) -> Iterator[tuple[str, str]]:
    info = forms.get(model.form)
    if info is None:
        yield f"{path}/form", f"no form '{model.form}'"
        return
    fields = info.schema.fields
    if fields.get("channel") != "text":
        yield f"{path}/form", f"form '{model.form}' needs a text field 'channel': every channel records itself there"
    named: list[tuple[str, str | None]] = []
    if isinstance(model, PublicFormDef):
        named = [(f"/fields/{n}", k) for n, k in enumerate(model.fields)]
        named += [("/contact_field", model.contact_field), ("/status_field", model.status_field)]
        if model.honeypot in fields:
            yield f"{path}/honeypot", f"the honeypot '{model.honeypot}' must not be a field of the form"
        if model.status_lookup and (info.serial is None or model.contact_field is None):
            yield f"{path}/status_lookup", "a status lookup needs a serial-number field and a contact_field"
    elif isinstance(model, InboundWebhookDef):
        named = [(f"/map/{k}", k) for k in model.map]
    else:
        named = [("/subject_field", model.subject_field), ("/body_field", model.body_field),
                 ("/from_field", model.from_field)]
    for where, key in named:
        if key is not None and key not in fields:
            yield f"{path}{where}", f"no field '{key}' in form '{model.form}'"
