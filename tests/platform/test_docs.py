"""/docs and /redoc work without internet: every script, style and icon they load comes from the app."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


class Assets(HTMLParser):
    """The URLs a page loads: ``<script src>`` and ``<link href>``."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href"}.get(tag)
        self.urls += [value for name, value in attrs if name == wanted and value]


def assets(html: str) -> list[str]:
    parser = Assets()
    parser.feed(html)
    return parser.urls


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_reference_pages_load_only_local_assets(api: FastAPI, page: str) -> None:
    client = TestClient(api)
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    urls = assets(response.text)
    assert any(url.endswith(".js") for url in urls), urls
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        loaded = client.get(url)
        assert loaded.status_code == 200, url
        assert len(loaded.content) > 0, url
    assert re.findall(r"(?:https?:)?//[\w.-]+\.\w+", response.text) == []  # nothing off the server
    assert client.get("/openapi.json").status_code == 200


def test_swagger_ui_is_a_release_that_reads_openapi_3_1(api: FastAPI) -> None:
    """FastAPI writes OpenAPI 3.1, which Swagger UI renders from version 5 on (4.x shows an error)."""
    client = TestClient(api)
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
    bundle = client.get("/docs/assets/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in bundle
    assert "isOAS31" in bundle  # Swagger UI 5's OpenAPI 3.1 support


def test_behind_a_path_prefix_the_pages_point_under_it(api: FastAPI) -> None:
    client = TestClient(api, root_path="/dajian")
    html = client.get("/docs").text
    urls = assets(html)
    assert urls and all(url.startswith("/dajian/docs/assets/") for url in urls), urls
    assert "'/dajian/openapi.json'" in html


def test_the_oauth2_redirect_page_is_served(api: FastAPI) -> None:
    response = TestClient(api).get("/docs/oauth2-redirect")
    assert response.status_code == 200 and "oauth2" in response.text.lower()
