"""Real journeys: the app served by `python app.py` in a subprocess, driven by Debian's chromium.

Each test module gets its own server and database; each test gets a fresh browser
context (phone-sized, JavaScript on or off) and saves screenshots under test-output/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.steps import LIVE_SERVERS, PHONE, ROOT, Screenshots

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, folder: Path, **env):
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        LIVE_SERVERS[self.url] = self
        self.database = folder / "live.sqlite3"
        self.env = {
            **os.environ,
            "APP_ENV": "development",
            "SECRET_KEY": "live-" + "k" * 40,
            "PORT": str(self.port),
            "DATABASE_URL": f"sqlite:///{self.database}",
            "SMS_BACKEND": "outbox",
            **env,
        }
        self.log = open(folder / "server.log", "w")
        self.process = subprocess.Popen(
            [sys.executable, "app.py"], cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_until_up()

    def _wait_until_up(self):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError((self.folder / "server.log").read_text())
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the live server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def live_server_with(tmp_path_factory):
    """live_server_with(**env) -> a live server with these settings besides the usual ones
    (PAYMENT_GATEWAY=knet and its bank, say); stopped after the module."""
    servers = []

    def start(**env):
        servers.append(LiveServer(tmp_path_factory.mktemp("live"), **env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/ensure-chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """new_page(js=True) -> a phone-sized page; screenshots go to test-output/screenshots."""
    contexts = []

    def make(js: bool = True, locale: str = "ar-KW"):
        context = browser.new_context(
            java_script_enabled=js, viewport=PHONE, locale=locale, timezone_id="Asia/Kuwait"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.shots = Screenshots(request.node.name)
        return page

    yield make
    for context in contexts:
        context.close()
