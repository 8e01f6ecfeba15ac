"""The atlas in a real browser (headless Chromium, tests/helpers/browser.py) at a laptop's and a
phone's size: every internal link resolves, the console stays clean (the Content-Security-Policy
would report anything inline), text pages do not scroll sideways on a phone, every box in a
picture opens a page that exists, the search finds a service by name. And the site's text is
escaped: a plan's fields are untrusted."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest

from tests.helpers.browser import chromium

EXAMPLES = Path(__file__).parents[2] / "examples"
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from planner.cli import cli

    out = tmp_path_factory.mktemp("atlas") / "site"
    result = CliRunner().invoke(
        cli, ["export", str(EXAMPLES / "enterprise.yaml"), "--format", "site", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


HREFS = """return Array.from(document.querySelectorAll('a'))
    .map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))
    .filter(href => href).map(href => new URL(href, document.baseURI).href)"""
DEAD_BOXES = """return Array.from(document.querySelectorAll('svg g.node'))
    .map(g => g.querySelector('title').textContent)
    .filter((name, i) => name !== 'legend'
            && !document.querySelectorAll('svg g.node')[i].querySelector('a'))"""


def _local(href: str, site: Path) -> Path | None:
    url = urlparse(href)
    if url.scheme != "file":
        return None
    return Path(unquote(url.path))


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_every_page_links_resolve_the_console_stays_clean_and_the_search_finds(
    site: Path, width: int, height: int
) -> None:
    pages = sorted(site.glob("*.html"))
    assert len(pages) > 40
    if width < 600:  # every kind of page once at phone width (the links are the same at both sizes)
        kinds = (
            "index",
            "audit",
            "scenario-storage",
            "team-dba",
            "team-web",
            "service-db-primary",
            "service-web",
        )
        pages = [p for p in pages if p.name.startswith(kinds)]
    with chromium(width, height) as driver:
        d: Any = driver
        for page in pages:
            d.get(page.as_uri())
            hrefs = d.execute_script(HREFS)
            for href in hrefs:
                target = _local(href, site)
                if target is not None:
                    assert target.is_file(), f"{page.name} links to {href}"
            assert d.execute_script(DEAD_BOXES) == [], f"{page.name}: boxes that link nowhere"
            if width < 600:
                wide = d.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
                assert wide[0] <= wide[1], f"{page.name} scrolls sideways at {width} px: {wide}"
            errors = [e for e in d.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
            assert errors == [], page.name
        if width < 600:
            _search(d, site)


def _search(d: Any, site: Path) -> None:
    """The search box finds a service by its name (its index loads on first use)."""
    d.get((site / "team-web.html").as_uri())
    box = d.find_element("id", "q")
    box.click()
    box.send_keys("orders database")
    deadline = time.monotonic() + 10
    found: list[str] = []
    while time.monotonic() < deadline and not found:
        found = d.execute_script("return Array.from(document.querySelectorAll('#results a'), a => a.href)")
    assert any(href.endswith("/service-db-primary.html") for href in found), found
    box.clear()
    box.send_keys("storefront")  # a component: its entry on the index
    deadline = time.monotonic() + 10
    found = []
    while time.monotonic() < deadline and not found:
        found = d.execute_script("return Array.from(document.querySelectorAll('#results a'), a => a.href)")
    assert any(href.endswith("/index.html#component-storefront") for href in found), found
    assert d.get_log("browser") == []


def test_components_are_on_the_index_and_on_the_pages_of_their_services(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    row = index[index.index('<tr id="component-checkout">') :].split("</tr>", 1)[0]
    assert "<strong>Checkout</strong>" in row
    assert "<td>public</td>" in row
    assert '<a href="service-payments-gateway.html">payments-gateway</a>' in row  # needs
    assert '<a href="service-email-relay.html">email-relay</a>' in row  # uses
    page = (site / "service-payments-gateway.html").read_text(encoding="utf-8")
    assert '<a href="index.html#component-checkout">Checkout</a> (public) needs it' in page
    relay = (site / "service-email-relay.html").read_text(encoding="utf-8")
    assert '<a href="index.html#component-checkout">Checkout</a> (public) uses it' in relay


def test_plan_text_is_escaped_everywhere(tmp_path: Path, run_cli: Any) -> None:
    plan = tmp_path / "hostile.yaml"
    plan.write_text(
        "version: 1\nname: '<script>alert(1)</script>'\nteams: [{id: ops, name: '<b>Ops</b>'}]\n"
        "services:\n"
        "  - id: db\n    name: '<img src=x onerror=alert(1)>'\n    owner: ops\n"
        "    description: '</svg><script>alert(2)</script>'\n"
        "    runbook: {url: 'javascript:alert(3)'}\n"
        "  - id: app\n    owner: ops\n    depends_on: [{service: db, check: '<i>curl</i>'}]\n"
        "components:\n"
        "  - id: shop\n    name: '<u>Shop</u>'\n    description: '<em>x</em>'\n    needs: [db]\n",
        encoding="utf-8",
    )
    out = tmp_path / "site"
    result = run_cli("export", plan, "--format", "site", "-o", out)
    assert result.code == 0, result.err
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html.replace('<script src="atlas.js" defer></script>', ""), page.name
        for raw in ("<img", "<b>Ops", "<i>curl", "<u>Shop", "<em>x"):
            assert raw not in html, page.name
        assert 'href="javascript:' not in html, page.name
    assert "&lt;img src=x onerror=alert(1)&gt;" in (out / "service-db.html").read_text(encoding="utf-8")
    assert "&lt;u&gt;Shop&lt;/u&gt;" in (out / "service-db.html").read_text(encoding="utf-8")
    assert "&lt;u&gt;Shop&lt;/u&gt;" in (out / "index.html").read_text(encoding="utf-8")
    # a plan named <...> is text in the single picture too (Graphviz took it for an HTML label)
    assert run_cli("export", plan, "--format", "svg", "-o", tmp_path / "plan.svg").code == 0


def test_a_directory_that_is_not_empty_needs_force(tmp_path: Path, run_cli: Any) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = run_cli("export", EXAMPLES / "small.yaml", "--format", "site", "-o", out)
    assert result.code == 2
    assert "not empty" in result.err
    assert "--force" in result.err
    assert run_cli("export", EXAMPLES / "small.yaml", "--format", "site").code == 2
    assert run_cli("export", EXAMPLES / "small.yaml", "--format", "svg", "-o", out).code == 2
    narrowed = run_cli("export", EXAMPLES / "small.yaml", "--format", "site", "-o", out, "--focus", "db")
    assert narrowed.code == 2
    assert "--focus does not apply" in narrowed.err
