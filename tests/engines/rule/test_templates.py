"""Message templates: sandboxed, autoescaped, refused at publish time when they reach for internals."""

from __future__ import annotations

import pytest

from dajian.engines.rule import TemplateRefused, compile_template, render, template_issues
from dajian.engines.rule.templates import _ENVS, RECORD_NAMES, compile_json_template, render_json


def test_renders_with_autoescape() -> None:
    t = compile_template("<p>{{ record.title }} ({{ changed|join(', ') }})</p>")
    assert render(t, {"record": {"title": "<b>x</b>"}, "changed": ["a", "b"]}) == "<p>&lt;b&gt;x&lt;/b&gt; (a, b)</p>"
    subject = compile_template("Re: {{ record.title }}", html=False)
    assert render(subject, {"record": {"title": "A & B"}}) == "Re: A & B"


@pytest.mark.parametrize("text", [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ record['__class__'] }}",
    "{{ record|attr('__class__') }}",
    "{{ lipsum }}",
    "{% import 'x' as y %}",
    "{% for x in range(10) %}{% endfor %}",
])
def test_escape_attempts_are_refused_with_a_clear_error(text: str) -> None:
    issues = template_issues(text, names=RECORD_NAMES)
    assert issues
    with pytest.raises(TemplateRefused):
        compile_template(text)


def test_the_sandbox_still_refuses_at_render_time() -> None:
    unchecked = _ENVS[True].from_string("{{ record.__class__.__mro__ }}")  # as if stored before the checks
    with pytest.raises(TemplateRefused, match="template refused"):
        render(unchecked, {"record": {}})


def test_loop_and_set_names_are_allowed_and_syntax_errors_located() -> None:
    assert template_issues("{% set n = 1 %}{% for c in changed %}{{ loop.index }}{{ c }}{{ n }}{% endfor %}",
                           names=RECORD_NAMES) == []
    assert template_issues("{{ record.title ", names=RECORD_NAMES)[0].startswith("template syntax error on line 1")


def test_json_templates() -> None:
    doc = compile_json_template({"text": {"content": "{{ subject }}"}, "n": [1, "{{ text }}"]},
                                names={"subject", "text"})
    assert render_json(doc, {"subject": "<hi>", "text": "t"}) == {"text": {"content": "<hi>"}, "n": [1, "t"]}
