"""Outbound HTTP cannot reach internal addresses (issue #12, item 3): every non-global address and cloud
metadata service is refused, and the connection goes to the address that was checked (no DNS rebinding).
No traffic leaves this machine: names resolve through a patched ``socket.getaddrinfo`` and the servers
listen on 127.0.0.1 and 127.0.0.2."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from dajian.platform.models import jobs
from dajian.platform.rules.outbound import refusal
from dajian.platform.rules.tables import webhook_deliveries
from dajian.platform.rules.webhooks import enqueue_delivery, set_allow_list
from tests.platform.conftest import Org
from tests.platform.test_rules import drain


@pytest.mark.parametrize("address", [
    "100.100.100.200", "100.64.0.1", "169.254.169.254", "10.0.0.1", "172.16.0.1", "192.168.1.1", "127.0.0.1",
    "0.0.0.0", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fc00::1", "fe80::1",
    "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::1", "fd00:ec2::254",
])
def test_every_non_public_address_is_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


def test_metadata_services_are_refused_even_when_an_administrator_allowed_the_network() -> None:
    everything = [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    assert refusal(ipaddress.ip_address("10.1.2.3"), everything) is None
    for address in ("100.100.100.200", "169.254.169.254", "::ffff:169.254.169.254", "168.63.129.16"):
        assert "metadata" in (refusal(ipaddress.ip_address(address), everything) or "")


TLS_PEM = Path(__file__).with_name("tls_hooks_example.pem")  # self-signed for hooks.example.com, tests only


class Server:
    def __init__(self, host: str, port: int = 0, *, tls: bool = False) -> None:
        self.hits: list[dict[str, str]] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hits.append({"path": self.path, "host": self.headers.get("Host", "")})
                self.send_response(302 if self.path == "/redirect" else 200)
                self.send_header("Location", f"http://127.0.0.2:{port_of[0]}/inside")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server_names: list[str | None] = []
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS_PEM)
            context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)  # type: ignore[assignment]
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        port_of = [self.port]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    outside = Server("127.0.0.1")  # stands for the public address the name first resolves to
    inside = Server("127.0.0.2", outside.port)  # stands for an internal service, same port
    yield outside, inside
    outside.close()
    inside.close()


def deliver_to(org: Org, url: str) -> dict[str, Any]:
    engine: Engine = org.engine
    with engine.begin() as conn:
        set_allow_list(conn, org.id, ["127.0.0.1"])
        delivery = enqueue_delivery(conn, org_id=org.id, app_id=None, subscription=None, url=url, event="test",
                                    payload={"n": 1})
    try_once(engine, delivery)
    with engine.connect() as conn:
        row = conn.execute(select(webhook_deliveries).where(webhook_deliveries.c.id == delivery)).mappings().one()
    return dict(row)


def try_once(engine: Engine, delivery: int) -> None:
    """Run due jobs until this delivery's job has been attempted once.

    The database is shared by the whole session, so other tests' retries may be due first and
    fill a worker's batch; one round is not enough to be sure ours ran.
    """
    with engine.connect() as conn:
        job_id = conn.execute(select(webhook_deliveries.c.job_id).where(
            webhook_deliveries.c.id == delivery)).scalar_one()
    for _ in range(50):
        drain(engine, rounds=1)
        with engine.connect() as conn:
            if conn.execute(select(jobs.c.attempts).where(jobs.c.id == job_id)).scalar_one() > 0:
                return
    raise AssertionError(f"job {job_id} was never run")


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[str]]) -> list[str]:
    """Resolve the names of ``answers`` to their next address in turn (the last one repeats)."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_that_rebinds_after_the_check_still_reaches_the_checked_address(
        org: Org, servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch) -> None:
    outside, inside = servers
    asked = fake_dns(monkeypatch, {"hooks.example.com": ["127.0.0.1", "127.0.0.2"]})
    row = deliver_to(org, f"http://hooks.example.com:{outside.port}/hook")
    assert row["status"] == "delivered"
    assert inside.hits == []
    assert outside.hits == [{"path": "/hook", "host": f"hooks.example.com:{outside.port}"}]
    assert asked == ["hooks.example.com"]  # resolved once


def test_redirects_are_not_followed(org: Org, servers: tuple[Server, Server]) -> None:
    outside, inside = servers
    row = deliver_to(org, f"http://127.0.0.1:{outside.port}/redirect")
    assert row["status"] == "pending" and inside.hits == []
    assert [h["path"] for h in outside.hits] == ["/redirect"]


def test_metadata_and_shared_addresses_are_refused_before_connecting(
        org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch, {"metadata.example.com": ["100.100.100.200"]})
    attempts: list[Any] = []

    def no_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(address)
        raise OSError("this test opens no connection")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    for url in ("http://metadata.example.com/latest", "http://100.100.100.200/", "http://100.64.1.1/",
                "http://[::ffff:169.254.169.254]/", "http://[::1]/", "http://0.0.0.0:8080/"):
        with org.engine.begin() as conn:
            delivery = enqueue_delivery(conn, org_id=org.id, app_id=None, subscription=None, url=url, event="t",
                                        payload={})
        try_once(org.engine, delivery)
        with org.engine.connect() as conn:
            job_id = conn.execute(select(webhook_deliveries.c.job_id).where(
                webhook_deliveries.c.id == delivery)).scalar_one()

            error = conn.execute(select(jobs.c.last_error).where(jobs.c.id == job_id)).scalar_one()
        assert "resolves to" in (error or ""), (url, error)
    assert attempts == []


def test_https_goes_to_the_checked_address_with_the_name_as_sni_and_certificate_name(
        org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
    server = Server("127.0.0.1", tls=True)
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(TLS_PEM))  # trust the test certificate (httpx reads it)
        fake_dns(monkeypatch, {"hooks.example.com": ["127.0.0.1"], "other.example.com": ["127.0.0.1"]})
        row = deliver_to(org, f"https://hooks.example.com:{server.port}/hook")
        assert row["status"] == "delivered"
        assert server.hits == [{"path": "/hook", "host": f"hooks.example.com:{server.port}"}]
        assert server.server_names == ["hooks.example.com"]
        wrong = deliver_to(org, f"https://other.example.com:{server.port}/hook")  # the certificate is checked
        assert wrong["status"] == "pending" and len(server.hits) == 1
    finally:
        server.close()
