"""A real browser for the web pages: Debian's headless Chromium driven by Selenium.

``scripts/test`` installs ``chromium`` and ``chromium-driver``. Without them a browser test is
skipped on a developer's machine, and fails in CI (``CI`` set), where it must run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

# Chromium's own background traffic is refused by a closed network, many connections at a time;
# these flags keep it quiet (and keep a test from waiting on a lookup of Google's hosts).
_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


def _binaries() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium is None or driver is None:
        return None
    return chromium, driver


@contextmanager
def chromium(width: int = 1280, height: int = 800) -> Iterator[object]:
    """A headless Chromium window of ``width`` x ``height`` CSS pixels; quit on exit.

    The driver logs the browser console (``driver.get_log("browser")``) so a test can check that
    a page raised no error.
    """
    found = _binaries()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: chromium and chromium-driver are not installed")
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium_path, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path
    for flag in _FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    with tempfile.TemporaryDirectory(prefix="planner-chromium-") as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
        try:
            driver.set_page_load_timeout(30)
            # the window size includes the browser's frame; set the viewport exactly
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            yield driver
        finally:
            driver.quit()
