"""Screenshots of the atlas for the documentation: the index, a team page and a service page of
the enterprise example, at a laptop's width (1280x800) and a phone's (390x844), into docs/atlas/.

Run: ``python scripts/atlas_screenshots.py [OUT_DIR]`` (needs Graphviz, chromium and
chromium-driver; tests/helpers/browser.py drives the browser). Each PNG is the top of its page,
what a reader sees first, reduced to a palette to stay small.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.browser import chromium  # noqa: E402

PAGES = {"index": "index.html", "team": "team-dba.html", "service": "service-db-primary.html"}
SIZES = {"wide": (1280, 800), "phone": (390, 844)}


def shoot(site: Path, out: Path) -> list[Path]:
    """Every page at every size into ``out``; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size, (width, height) in SIZES.items():
        with chromium(width, height) as driver:
            for name, page in PAGES.items():
                driver.get((site / page).as_uri())  # type: ignore[attr-defined]
                target = out / f"{name}-{size}.png"
                driver.save_screenshot(str(target))  # type: ignore[attr-defined]
                _shrink(target)
                written.append(target)
    return written


def _shrink(png: Path) -> None:
    """A palette of 64 colours (Pillow when installed): the screenshots stay well under 150 KB."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=64).save(png, optimize=True)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "atlas"
    with tempfile.TemporaryDirectory(prefix="atlas-") as where:
        site = Path(where) / "site"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "planner",
                "export",
                str(ROOT / "examples" / "enterprise.yaml"),
                "--format",
                "site",
                "-o",
                str(site),
            ],
            check=True,
        )
        for png in shoot(site, out):
            shown = png.relative_to(ROOT) if png.is_relative_to(ROOT) else png
            print(f"{shown}: {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
