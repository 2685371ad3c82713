"""Text a visitor may read about the server: no absolute path of it ever reaches a page (issue 13).

The CLI keeps the paths its user typed; the app shows folders relative to its working directory
and cuts any absolute path inside an error message to its last part.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


def folder_label(folder: str | os.PathLike) -> str:
    """Where saved items go, as a visitor may read it: never an absolute path of the server
    (issue 13). A folder under the app's working directory is named relative to it, any other
    by its last part; a store's own wording ("the team database") is kept."""
    path = Path(folder)
    if not path.is_absolute():
        return str(folder)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return path.name or "."


# An absolute path inside a message: "/" not after a word, a dot, a colon or another slash (so
# "tokens/s" and "https://..." stay), then at least one folder.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.\-]+/)+([\w.\-]*)")


# What turns text into a link, an image or markup in Markdown: brackets, "!", angle brackets and
# the "://" of a bare address (GitHub-flavoured autolinks). Only these are escaped, so a message
# keeps reading as written in the page source (field names keep their underscores).
_LINK_MAKERS = re.compile(r"([\[\]!<>`]|(?<=:)//)")


def error_text(err: Exception | str) -> str:
    """An error message as the page shows it (always inside a Markdown alert): every absolute path
    cut to its last part, so no folder of the server reaches a visitor, and the value it quotes
    (typed, uploaded or from a link) never becomes a link or an image (issue 13; the CLI keeps the
    paths its user typed)."""
    text = _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "/", str(err))
    return _LINK_MAKERS.sub(lambda m: "".join("\\" + c for c in m.group(0)), text)
