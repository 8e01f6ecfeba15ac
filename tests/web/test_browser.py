"""A real browser (headless Chromium) watches the public page while another process records
``restored`` for the last service Checkout needs: Checkout turns operational on the page,
swapped in by the page's script from the event stream (the page is not reloaded), within
:data:`ACCEPTANCE_SECONDS` of the action's commit; on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.browser import chromium
from tests.web.conftest import HERE, planner, serving, start_incident

SHOP = HERE / "data" / "shop.yaml"
ACCEPTANCE_SECONDS = 2.0
"""The issue's bound: from the commit of the action to the page showing it."""


def _checkout(driver: Any) -> str:
    found = driver.execute_script(
        "var c = Array.from(document.querySelectorAll('li.component'))"
        ".filter(function (li) { return li.querySelector('.name').textContent === 'Checkout'; });"
        "return c.length ? c[0].getAttribute('data-status') : null;"
    )
    return str(found)


def _everything_but_the_api_restored(store: str) -> None:
    at = ["--store", store, "--as", "sre"]
    for action in [
        ["begin", "INC-1", "db"],
        ["verify", "INC-1", "db"],
        ["restored", "INC-1", "db"],
        ["begin", "INC-1", "api"],
        ["check", "INC-1", "api", "db", "--pass"],
        ["verify", "INC-1", "api"],
    ]:
        assert planner("incident", *action, *at) == 0, action


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """One browser at a phone's width for both stores (starting Chromium takes seconds)."""
    with chromium(390, 800) as browser:
        yield browser


def test_a_restoration_reaches_the_open_page(
    driver: Any, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    start_incident(SHOP, where)
    _everything_but_the_api_restored(where)
    capsys.readouterr()
    with serving(where) as server:
        driver.get_log("browser")  # what an earlier page logged is not this one's
        driver.get(server.public_url)
        wait = WebDriverWait(driver, 20)
        wait.until(lambda d: "Live" in d.find_element("id", "live-state").text)
        assert _checkout(driver) == "partial_outage"
        assert "Reports" not in driver.page_source  # an internal component
        driver.execute_script("window.stillTheSamePage = true;")
        restore = [sys.executable, "-m", "planner", "incident", "restored", "INC-1", "api"]
        done = subprocess.run([*restore, "--store", where, "--as", "sre"], capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        WebDriverWait(driver, ACCEPTANCE_SECONDS, poll_frequency=0.05).until(
            lambda d: _checkout(d) == "operational",
            f"Checkout still {_checkout(driver)} {ACCEPTANCE_SECONDS} s after the restoration's commit",
        )
        assert driver.execute_script("return window.stillTheSamePage === true;")
        assert "All systems operational" in driver.page_source
        fits = "return document.documentElement.scrollWidth <= window.innerWidth;"
        assert driver.execute_script(fits)  # a phone's width
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
