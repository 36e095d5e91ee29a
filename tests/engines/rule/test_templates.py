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


@pytest.mark.parametrize(("text", "message"), [
    ("{{ record.s * 2000000 }}", "repeat a value at most"),
    ("{{ 2000000 * record.s }}", "repeat a value at most"),
    ("{{ 2 ** 99999 }}", "exponent in a template may be at most 64"),
    ("{{ record.s|center(1000000000) }}", "a number given to the 'center' filter may be at most 10000"),
    ("{{ '{}'.format(record.s) }}", "the text method 'format' is not available in templates"),
    ("{{ '%0999999999d' % 1 }}", "a format width may be at most"),
    ("{{ '%0999999999d'|format(1) }}", "a format width may be at most"),
    ("{% for c in changed recursive %}{{ loop(c) }}{% endfor %}", "recursive loops are not allowed"),
])
def test_what_is_too_large_to_render_is_refused_at_publish(text: str, message: str) -> None:
    issues = template_issues(text, names=RECORD_NAMES)
    assert any(message in i for i in issues), issues
    with pytest.raises(TemplateRefused):
        compile_template(text)


@pytest.mark.parametrize("text", [
    "{{ record.s * record.n }}",  # the count only known at render time
    "{{ record.s|list * record.n }}",
    "{{ record.n ** record.n }}",
    "{{ record.s|center(record.n) }}",
    "{{ record.s|replace('', record.s) }}",
    "{{ record.s|join(record.s) }}",
    "{{ record.s|indent(record.s, true) }}",
    "{{ record.s|wordwrap(1, true, record.s) }}",
    "{{ record.s.zfill(record.n) }}",
    "{{ record.s|truncate(record.n) }}",
    "{{ record.s.join(record.s) }}",
    "{{ record.s.replace('', record.s) }}",
    "{{ ('%0' ~ record.n ~ 'd') % 1 }}",
    "{% set x = record.s %}" + "{% set x = x ~ x %}" * 40 + "{{ x|length }}",
    "{% set x = record.s %}" + "{% set x = x + x %}" * 40 + "{{ x|length }}",
    "{% for a in record.s %}{% for b in record.s %}{% for c in record.s %}{% endfor %}{% endfor %}{% endfor %}",
    "{% for a in record.s %}{% for b in record.s %}{{ record.s }}{% endfor %}{% endfor %}",
    "{{ record.tags.extend(record.tags) }}",
])
def test_work_and_size_are_bounded_while_rendering(text: str) -> None:
    template = _ENVS[True].from_string(text)  # the render-time bounds alone (most have nothing to see at publish)
    values = {"record": {"s": "x\n" * 1000, "n": 2_000_000_000, "tags": [1, 2]}}
    with pytest.raises(TemplateRefused, match=r"template refused: (a template|a number|the message|'|an exponent|"
                                              r"a format|.* is too large|access to attribute|.* is not safely)"):
        render(template, values)


def test_bounded_templates_still_render_ordinary_messages() -> None:
    text = ("{{ record.title|upper }} {{ '%05.1f'|format(record.n) }} {{ '-' * 10 }} {{ 2 ** 10 }} "
            "{{ record.tags|join(', ') }} {{ record.title|replace('a', 'b')|center(20)|trim }} "
            "{% for i in record.tags %}{{ loop.index }}{{ loop.length }}{% endfor %}")
    text += " {{ record.get('missing', 50000) }} {{ record.missing|default(123456) }}"
    values = {"record": {"title": "abc", "n": 3.14159, "tags": [1, 2, 3]}}
    expected = "ABC 003.1 ---------- 1024 1, 2, 3 bbc 132333 50000 123456"
    assert render(compile_template(text, html=False), values) == expected
