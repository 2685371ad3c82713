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


def error_text(err: Exception | str) -> str:
    """An error message as the page shows it: every absolute path cut to its last part, so no
    folder of the server reaches a visitor (issue 13; the CLI keeps the paths its user typed)."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "/", str(err))
