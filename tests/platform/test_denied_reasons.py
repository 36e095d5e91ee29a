"""Every refusal names its reason as a code that the web app words in both languages."""

from __future__ import annotations

import json
from pathlib import Path

from dajian.platform.errors import FORBIDDEN_REASONS, Forbidden

UI = Path(__file__).resolve().parents[2] / "designer_ui"


def test_the_ui_words_every_reason_the_server_gives() -> None:
    listed = json.loads((UI / "tests" / "denied_reasons.json").read_text())
    assert sorted(FORBIDDEN_REASONS) == listed, "update designer_ui/tests/denied_reasons.json and the catalogues"
    for lang in ("zh-CN", "en"):
        catalogue = json.loads((UI / "src" / "i18n" / f"{lang}.json").read_text())
        missing = [r for r in FORBIDDEN_REASONS if not catalogue.get(f"denied.{r}")]
        assert not missing, f"{lang}: no words for {missing}"


def test_a_refusal_carries_its_reason_and_params() -> None:
    body = Forbidden("you may not write these fields", reason="fields_not_writable", params={"fields": "amount"}).body()
    assert body == {"code": "forbidden", "detail": "you may not write these fields", "reason": "fields_not_writable",
                    "params": {"fields": "amount"}}
