"""A button that uploads one small text file, read in the browser (see ``file_upload.vue``)."""

from __future__ import annotations

from typing import Callable

import solara


@solara.component_vue("file_upload.vue")
def FileUpload(label: str, accept: str, most_bytes: int, event_chosen: Callable[[dict], None]):
    """``event_chosen({"name", "size", "text"})`` once a file is chosen; ``text`` is empty for a
    file larger than ``most_bytes``."""
