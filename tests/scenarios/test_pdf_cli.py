"""`venture-lab scenario pdf FILE --output PATH` (ARCHITECTURE 4.3), run as a user runs it: in a
fresh process. It writes the PDF the pitch page offers; a bad FILE or PATH exits 2 with one line
naming the input (the flag or field, and the value as given, cut at 80 characters by
VentureLabError), and a directory at PATH is never touched."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from tests.scenarios.conftest import golden_dict

ROOT = Path(__file__).resolve().parents[2]


def _venture_lab(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scenarios.cli", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _text(pdf: bytes) -> str:
    """The page's text without the generation time, white space and the NULs pypdf returns
    between glyphs (see test_pdf.py)."""
    text = re.sub(r"[\s\x00]+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    # the stamp "generated 2026-12-07 06:33 UTC": two files made a minute apart differ there only
    # (the earlier pattern stopped at the space inside the stamp, so a run across a minute failed)
    stamped = re.sub(r"generated\d{4}-\d{2}-\d{2}\d{2}:\d{2}UTC", "generated<time>UTC", text)
    assert stamped != text, "the generation stamp was not found"
    return stamped


@pytest.fixture
def chinese_file(tmp_path) -> Path:
    d = golden_dict()
    d["name"] = "语音笔记摘要"
    path = tmp_path / "zh.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    return path


def test_writes_the_pdf_the_app_offers(chinese_file, tmp_path):
    out = tmp_path / "pitch.pdf"
    out.write_bytes(b"an older export")                        # a file at PATH is replaced
    proc = _venture_lab("scenario", "pdf", str(chinese_file), "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1 and str(out) in proc.stdout
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "语音笔记摘要" in _text(pdf)
    from dashboard.cached.scenarios import pdf_for_yaml      # the pitch page's download button

    assert _text(pdf) == _text(pdf_for_yaml(chinese_file.read_text(encoding="utf-8")))


def test_an_existing_directory_is_refused_and_left_alone(chinese_file, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    proc = _venture_lab("scenario", "pdf", str(chinese_file), "--output", str(folder))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--output" in proc.stderr and str(folder)[:60] in proc.stderr
    assert folder.is_dir() and [p.name for p in folder.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("where", ["missing/pitch.pdf", "a-file/pitch.pdf", "/proc/pitch.pdf"])
def test_an_unwritable_path_exits_2_naming_it(chinese_file, tmp_path, where):
    if where.startswith("/proc") and not Path("/proc/self").exists():
        pytest.skip("needs Linux's /proc: a folder nobody, root included, can create files in")
    (tmp_path / "a-file").write_text("not a folder")
    out = where if where.startswith("/") else str(tmp_path / where)
    proc = _venture_lab("scenario", "pdf", str(chinese_file), "--output", out)
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.count("\n") == 1 and "--output" in proc.stderr and out[:60] in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("content", [None, "[[[", "schema_version: 2\nid: x\n"])
def test_a_bad_file_exits_2_naming_it_and_writes_nothing(tmp_path, content):
    bad = tmp_path / "bad.yaml"
    if content is not None:
        bad.write_text(content)
    out = tmp_path / "pitch.pdf"
    proc = _venture_lab("scenario", "pdf", str(bad), "--output", str(out))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("venture-lab scenario pdf: ")
    assert ("file:" in proc.stderr or "name:" in proc.stderr) and "Traceback" not in proc.stderr
    assert not out.exists()
