"""The server serves the built UI at "/" (SPA fallback, cache headers) without changing the API's answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dajian.platform.app import create_app
from dajian.platform.config import Settings

INDEX = '<!doctype html><html><body><div id="root"></div><script src="/assets/index-abc123.js"></script></body></html>'
HTML = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def dist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-abc123.js").write_text("console.log('ui')")
    (folder / "favicon.svg").write_text("<svg/>")
    monkeypatch.setenv("DAJIAN_UI_DIST", str(folder))
    return folder


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", files_dir=tmp_path / "files"))
    with TestClient(app) as test_client:
        yield test_client


def test_root_and_any_app_route_get_index_html_without_caching(dist: Path, client: TestClient) -> None:
    for path in ("/", "/login", "/a/some_app", "/a/some_app/forms/x/records/12"):
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["content-type"].startswith("text/html")


def test_hashed_assets_are_cached_for_a_year(dist: Path, client: TestClient) -> None:
    response = client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == "console.log('ui')"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_a_missing_asset_is_a_404_not_the_index(dist: Path, client: TestClient) -> None:
    response = client.get("/assets/index-gone.js", headers=HTML)
    assert response.status_code == 404
    assert response.json()["code"] == "http_error"


def test_top_level_files_are_served_as_they_are(dist: Path, client: TestClient) -> None:
    response = client.get("/favicon.svg")
    assert response.status_code == 200 and response.text == "<svg/>"


def test_api_paths_keep_their_json_answers(dist: Path, client: TestClient) -> None:
    for unknown_path in ("/api/no-such-thing", "/api/v1/no-such-thing"):
        unknown = client.get(unknown_path, headers=HTML)
        assert unknown.status_code == 404
        assert unknown.json() == {"code": "http_error", "detail": "Not Found"}
    assert client.get("/api/v1/health").json()["status"] == "ok"
    for login_path in ("/api/v1/auth/login", "/api/auth/login"):  # the old path is rewritten, not the UI's
        wrong_method = client.get(login_path, headers=HTML)
        assert wrong_method.status_code == 405
    assert client.post("/login", json={}).status_code in (404, 405)  # the UI answers GET only
    assert client.get("/openapi.json", headers=HTML).json()["info"]["title"] == "Dajian"
    assert "swagger" in client.get("/docs", headers=HTML).text.lower()


def test_a_request_that_does_not_accept_html_gets_a_404(dist: Path, client: TestClient) -> None:
    response = client.get("/some/script.js", headers={"accept": "application/json"})
    assert response.status_code == 404


def test_an_unbuilt_ui_says_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            client: TestClient) -> None:
    monkeypatch.setenv("DAJIAN_UI_DIST", str(tmp_path / "nowhere"))
    response = client.get("/", headers=HTML)
    assert response.status_code == 503
    assert "npm ci &amp;&amp; npm run build" in response.text
