"""The README and the pages in docs/: every relative link reaches a file, and every #anchor a
heading of it (MkDocs checks docs/ again with --strict; nothing checks the README but this), the
README stays a short read, and the changelog names the version the package says it is."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])

LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^()\s]+)(?:\s+\"[^\"]*\")?\)")
"""A Markdown inline link or image; group 1 is its target."""
FENCE = re.compile(r"^\s*(```|~~~)")


def slug(heading: str) -> str:
    """The anchor MkDocs gives a heading (Python-Markdown's toc slugify, which GitHub's agrees
    with for headings of words, digits, spaces, hyphens and punctuation).

    Examples
    --------
    >>> slug("Measuring success: running a check with evidence")
    'measuring-success-running-a-check-with-evidence'
    >>> slug("`planner schema`")
    'planner-schema'
    """
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def prose(text: str) -> list[str]:
    """The lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            lines.append(line)
    return lines


def anchors(page: Path) -> set[str]:
    """Every heading anchor of ``page``, numbered as MkDocs numbers repeated ones."""
    found: set[str] = set()
    for line in prose(page.read_text(encoding="utf-8")):
        match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            name, n = base, 0
            while name in found:
                n += 1
                name = f"{base}_{n}"
            found.add(name)
    return found


def links(page: Path) -> list[str]:
    """The relative link targets of ``page`` (web and mail links left out)."""
    targets = []
    for line in prose(page.read_text(encoding="utf-8")):
        text = re.sub(r"`[^`]*`", "", line)  # code spans hold example syntax, not links
        for match in LINK.finditer(text):
            target = match.group(1)
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):
                targets.append(target)
    return targets


def broken(page: Path, target: str, root: Path = ROOT) -> str | None:
    """Why ``target``, a link of ``page``, leads nowhere (None when it is fine): a missing file,
    one outside ``root`` (the repository), or a missing heading."""
    path, _, anchor = target.partition("#")
    dest = (page.parent / unquote(path)).resolve() if path else page
    if not dest.exists():
        return f"{target}: no such file"
    if not dest.is_relative_to(root):
        return f"{target}: outside the repository"
    if anchor and (dest.suffix != ".md" or anchor not in anchors(dest)):
        return f"{target}: no heading '#{anchor}' in {dest.relative_to(root)}"
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_heading(page: Path) -> None:
    problems = [why for target in links(page) if (why := broken(page, target))]
    assert not problems, "\n".join(problems)


def test_the_checker_sees_a_broken_link_and_a_broken_anchor(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "outside.md").write_text("# Outside\n", encoding="utf-8")
    page = root / "page.md"
    page.write_text(
        "# Title\n\n## Two words\n\n[ok](#two-words) [bad](#three) ![gone](nowhere.svg)\n"
        "```\n[in code](missing.md)\n```\n[web](https://example.com) `[span](missing.md)`\n",
        encoding="utf-8",
    )
    assert links(page) == ["#two-words", "#three", "nowhere.svg"]
    assert broken(page, "#two-words", root) is None
    assert "no heading '#three'" in (broken(page, "#three", root) or "")
    assert "no such file" in (broken(page, "nowhere.svg", root) or "")
    assert "outside the repository" in (broken(page, "../outside.md", root) or "")


def test_the_readme_reads_in_ten_minutes() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 600, f"README.md has {len(lines)} lines: move detail into docs/"


def test_the_readme_links_every_docs_page() -> None:
    readme = set(links(ROOT / "README.md"))
    pages = {f"docs/{p.relative_to(ROOT / 'docs').as_posix()}" for p in (ROOT / "docs").rglob("*.md")}
    assert not pages - readme, f"pages the README does not link: {sorted(pages - readme)}"


def test_the_changelog_names_the_packaged_version() -> None:
    import planner

    version = planner.__version__  # pyproject.toml reads it from there (one source)
    changelog = (ROOT / "docs" / "changelog.md").read_text(encoding="utf-8")
    released = re.findall(r"^## (\d+\.\d+\.\d+) ", changelog, flags=re.MULTILINE)
    assert released, "no released version in docs/changelog.md"
    assert released[0] == version, f"pyproject.toml says {version}, the changelog's newest {released[0]}"


CITED_PATH = re.compile(r"`((?:planner|models|tests|benchmarks|scripts|examples)/[^`\s]*)`")
"""A repository path written as code in prose: the docs say where things live, and must stay
true when modules move (the changelog is history, and keeps the names things had)."""
CURRENT = [p for p in PAGES if p.name != "changelog.md"]


@pytest.mark.parametrize("page", CURRENT, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_the_docs_name_exists(page: Path) -> None:
    lines = prose(page.read_text(encoding="utf-8"))
    named = {m.group(1) for line in lines for m in CITED_PATH.finditer(line)}
    missing = sorted(p for p in named if not (ROOT / p.split("::")[0]).exists())
    assert not missing, f"{page.relative_to(ROOT)} names paths that do not exist: {missing}"


def test_the_code_map_names_only_modules_that_exist() -> None:
    """Every module the README's code map names is in the package of its row, and every package
    of ``planner`` has a row: the map matches the tree."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `((?:planner|models)/[a-z_]*/?)`[^|]*\| (.*) \|$", readme, flags=re.MULTILINE)
    assert rows, "no code map in the README"
    mapped = {package.rstrip("/") for package, _ in rows}
    packages = {f"planner/{p.name}" for p in (ROOT / "planner").iterdir() if (p / "__init__.py").is_file()}
    assert packages <= mapped, f"packages the code map leaves out: {sorted(packages - mapped)}"
    for package, text in rows:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        present = {p.name for p in folder.rglob("*.py")} | {p.name for p in folder.rglob("*.tcss")}
        named = set(re.findall(r"`([a-z_]+\.(?:py|tcss))`", text))
        assert named <= present, f"{package}: the code map names {sorted(named - present)}, not in the tree"
