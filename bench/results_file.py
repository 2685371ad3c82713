"""bench/RESULTS.md: each benchmark owns one '## ' section and rewrites only that one."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(heading: str, text: str, path: Path = RESULTS) -> None:
    """Put ``text`` (which starts with ``heading``, a '## ' line) in place of that section, up to
    the next '## ' heading, or append it; the other sections and one blank line between
    sections are kept."""
    doc = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    body = text.strip("\n") + "\n"
    start = doc.find(heading + "\n")
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + body
    else:
        nxt = doc.find("\n## ", start + len(heading))
        doc = doc[:start] + body + ("\n" + doc[nxt + 1:] if nxt >= 0 else "")
    path.write_text(doc, encoding="utf-8")
