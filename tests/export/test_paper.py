"""PDF on paper, and a legend that earns its place: pages of A4 or Letter size (read from each
page's MediaBox), and a legend that lists only what the picture uses, in a small part of it
(read from Graphviz's own layout, ``dot -Tjson``)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from planner.export.paper import PAGES

EXAMPLES = Path(__file__).parents[2] / "examples"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@needs_dot
@pytest.mark.parametrize("page", ["a4", "letter"])
@pytest.mark.parametrize("plan", ["enterprise.yaml", "small.yaml"])
def test_every_pdf_page_is_paper_sized(plan: str, page: str, run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    result = run_cli("export", EXAMPLES / plan, "--format", "pdf", "--page", page, "-o", out)
    assert result.code == 0, result.err
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    width, height = PAGES[page]
    for sheet in reader.pages:
        box = sorted((round(float(sheet.mediabox.width), 1), round(float(sheet.mediabox.height), 1)))
        assert box == sorted((round(width, 1), round(height, 1)))
    if plan == "small.yaml":
        assert len(reader.pages) == 1, "a small plan fits one page"


def _layout(dot_text: str) -> dict[str, Any]:
    done = subprocess.run(["dot", "-Tjson"], input=dot_text, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@needs_dot
@pytest.mark.parametrize("plan", ["enterprise.yaml", "small.yaml"])
def test_the_legend_is_small_and_lists_what_is_used(plan: str, run_cli: Any) -> None:
    dot = run_cli("export", EXAMPLES / plan, "--format", "dot").out
    layout = _layout(dot)
    x0, y0, x1, y1 = (float(v) for v in layout["bb"].split(","))
    legend = next(o for o in layout["objects"] if o.get("name") == "legend")
    area = float(legend["width"]) * 72 * float(legend["height"]) * 72
    assert area < 0.15 * (x1 - x0) * (y1 - y0)
    label = legend["label"]
    if plan == "small.yaml":
        assert "bypassed" not in label, "the small plan has no bypassed check"
        assert ">low</TD>" not in label, "no service of the small plan is of low criticality"
        assert ">medium</TD>" in label
    else:
        assert "bypassed by an open workaround" in label


@needs_dot
def test_fit_puts_a_drawing_on_one_page_while_labels_stay_readable(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "plan.pdf"
    small = run_cli("export", EXAMPLES / "small.yaml", "--format", "pdf", "--fit", "-o", out)
    assert small.code == 0, small.err
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 1
    large = run_cli("export", EXAMPLES / "enterprise.yaml", "--format", "pdf", "--fit", "-o", out, "--force")
    assert large.code == 0, large.err
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) > 1
    assert "one page would shrink the labels to" in large.err
    assert "under 6 pt" in large.err


@needs_dot
def test_a_picture_too_large_to_read_says_what_to_do(run_cli: Any, tmp_path: Path) -> None:
    from benchmarks.generate import layered_plan, write_plan

    plan = tmp_path / "plan-150.yaml"
    write_plan(layered_plan(150), plan)
    result = run_cli("export", plan, "--format", "dot")
    assert "150 boxes" in result.err
    assert "--focus SERVICE" in result.err
    small = run_cli("export", EXAMPLES / "small.yaml", "--format", "dot")
    assert "boxes" not in small.err
