"""The thread list: a virtual ScrollView (Line API) over pages from the daemon.

Only the visible rows are rendered; rows come in pages of `PAGE` threads
fetched on demand (keyset cursors where the previous page is known, an
offset for jumps), and rendered lines are kept in an LRU cache. So 100k
threads cost what one screen costs. A cursor move repaints two lines.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Static

from shareinbox.bindings import translate_bindings
from shareinbox.i18n import N_, _
from shareinbox.widgets import rows
from shareinbox.widgets.cells import fit

log = logging.getLogger(__name__)

PAGE = 100
PageFetch = Callable[[int | None, list[Any] | None, int], Awaitable[dict[str, Any]]]
Locate = Callable[[int], Awaitable[int | None]]


class ThreadList(ScrollView, can_focus=True):
    """A list of threads of any length, read page by page.

    Attributes:
        cursor: the highlighted row (0-based).
        total: how many threads the current source holds.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor(1)", N_("Down"), show=False, id="list.down"),
        Binding("k,up", "cursor(-1)", N_("Up"), show=False, id="list.up"),
        Binding(
            "pagedown", "page(1)", N_("Page down"), show=False, id="list.page_down"
        ),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="list.page_up"),
        Binding("home,g", "jump(0)", N_("First"), show=False, id="list.first"),
        Binding("end,G", "jump(-1)", N_("Last"), show=False, id="list.last"),
        Binding("enter", "open", N_("Open"), id="list.open"),
    ]
    COMPONENT_CLASSES = rows.COMPONENT_CLASSES

    cursor = reactive(0, repaint=False)

    class Highlighted(Message):
        """The cursor moved to a thread (None: nothing there yet)."""

        def __init__(self, thread: dict[str, Any] | None) -> None:
            super().__init__()
            self.thread = thread

    class Opened(Message):
        """A thread was chosen (Enter, double click)."""

        def __init__(self, thread: dict[str, Any]) -> None:
            super().__init__()
            self.thread = thread

    def __init__(
        self,
        *,
        now: Callable[[], float],
        renderer: rows.RowRenderer,
        header: Static | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        translate_bindings(self)
        self.total = 0
        self._now = now
        self._renderer = renderer
        self._header = header
        self._fetch: PageFetch | None = None
        self._pages: dict[int, list[dict[str, Any]]] = {}
        self._next: dict[int, list[Any] | None] = {}
        self._loading: dict[int, asyncio.Task[None]] = {}
        self._strips: LRUCache[tuple[Any, ...], Strip] = LRUCache(1024)
        self._version = 0

    # -- data ---------------------------------------------------------------

    async def show(self, fetch: PageFetch, locate: Locate | None = None) -> None:
        """Read from `fetch` from now on, keeping the highlighted thread if it is
        still there (`locate` finds its new position)."""
        selected = self.selected
        self._fetch = fetch
        self._reset()
        await self._load(0)
        position = None
        if selected is not None and locate is not None:
            position = await locate(int(selected["id"]))
        if position is None:
            position = min(self.cursor, max(self.total - 1, 0)) if selected else 0
        self._set_cursor(position)
        self.refresh()

    def _reset(self) -> None:
        self._version += 1
        self._pages.clear()
        self._next.clear()
        for task in self._loading.values():
            task.cancel()
        self._loading.clear()
        self._strips.clear()

    async def _load(self, page: int) -> None:
        fetch, version = self._fetch, self._version
        if fetch is None:
            return
        cursor = self._next.get(page - 1) if page > 0 else None
        offset = None if cursor is not None or page == 0 else page * PAGE
        result = await fetch(offset, cursor, PAGE)
        if version != self._version:
            return
        self._pages[page] = list(result["threads"])
        self._next[page] = result.get("next")
        total = int(result.get("total", len(result["threads"])))
        if total != self.total or page == 0:
            self.total = total
            self.virtual_size = Size(self._width(), total)
        self._strips.clear()
        self.refresh()
        if page == self.cursor // PAGE:
            self.post_message(self.Highlighted(self.selected))

    def _want(self, page: int) -> None:
        if page in self._pages or page in self._loading or self._fetch is None:
            return
        task = asyncio.create_task(self._load(page))
        self._loading[page] = task
        task.add_done_callback(lambda t: self._loaded(page, t))

    def _loaded(self, page: int, task: asyncio.Task[None]) -> None:
        if self._loading.get(page) is task:
            del self._loading[page]
        if not task.cancelled() and task.exception() is not None:
            log.warning("could not read page %d: %s", page, task.exception())

    def thread_at(self, index: int) -> dict[str, Any] | None:
        """The thread at row `index`, if its page is loaded (else it is asked for)."""
        page, row = divmod(index, PAGE)
        threads = self._pages.get(page)
        if threads is None:
            self._want(page)
            return None
        if row >= PAGE // 2 and (page + 1) * PAGE < self.total:
            self._want(page + 1)  # read ahead, so scrolling rarely waits
        return threads[row] if row < len(threads) else None

    @property
    def selected(self) -> dict[str, Any] | None:
        """The highlighted thread, if loaded."""
        if self.total == 0:
            return None
        return self.thread_at(self.cursor)

    def update_thread(self, thread_id: int, **fields: Any) -> bool:
        """Change a loaded thread in place (a live change); True if shown here."""
        for threads in self._pages.values():
            for i, old in enumerate(threads):
                if old["id"] == thread_id:
                    threads[i] = {**old, **fields}
                    self._strips.clear()
                    self.refresh()
                    return True
        return False

    # -- rendering ----------------------------------------------------------

    def _width(self) -> int:
        return max(self.scrollable_content_region.width, 1)

    def on_resize(self, event: events.Resize) -> None:
        """Re-lay the columns for the new width."""
        self.virtual_size = Size(self._width(), self.total)
        self._strips.clear()
        if self._header is not None:
            self._header.update(self._renderer.header(self._width()))

    def render_line(self, y: int) -> Strip:
        """One row of the list (the Line API)."""
        index = int(self.scroll_offset.y) + y
        width = self._width()
        base = self.rich_style
        if index == 0 and self.total == 0 and self._pages:
            dim = base + self.get_component_rich_style("thread-list--dim")
            return Strip([Segment(fit(_("No threads here"), width), dim)])
        if index >= self.total:
            return Strip.blank(width, base)
        now = self._now()
        key = (index, index == self.cursor, width, self._version, int(now // 60))
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, width, now, base, key[1])
            self._strips[key] = strip
        return strip

    def _render_row(
        self, index: int, width: int, now: float, base: Style, highlighted: bool
    ) -> Strip:
        thread = self.thread_at(index)
        if thread is None:
            segments = [Segment(fit("…", width), base)]
        else:
            segments = self._renderer.segments(thread, width, now, self, base)
        strip = Strip(segments).crop_extend(0, width, base)
        if highlighted:
            cursor = self.get_component_rich_style("thread-list--cursor")
            if not self.has_focus:
                cursor = self.get_component_rich_style("thread-list--cursor-blur")
            strip = strip.apply_style(cursor)
        return strip

    def on_focus(self) -> None:
        """The cursor is drawn brighter while the list has the focus."""
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        """See `on_focus`."""
        self._strips.clear()
        self.refresh()

    # -- the cursor ---------------------------------------------------------

    def _set_cursor(self, index: int) -> None:
        self.cursor = max(0, min(index, self.total - 1)) if self.total else 0

    def watch_cursor(self, old: int, new: int) -> None:
        """Repaint the two lines that changed and keep the cursor in view."""
        width = self._width()
        top = int(self.scroll_offset.y)
        self.refresh(Region(0, old - top, width, 1))
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        self.refresh(Region(0, new - int(self.scroll_offset.y), width, 1))
        self.post_message(self.Highlighted(self.selected))

    def action_cursor(self, delta: int) -> None:
        """Move the cursor by `delta` rows."""
        self._set_cursor(self.cursor + delta)

    def action_page(self, pages: int) -> None:
        """Move the cursor by whole screens."""
        step = max(self.scrollable_content_region.height - 1, 1)
        self._set_cursor(self.cursor + pages * step)

    def action_jump(self, index: int) -> None:
        """Jump to a row (-1: the last)."""
        self._set_cursor(self.total - 1 if index < 0 else index)

    def action_open(self) -> None:
        """Open the highlighted thread."""
        thread = self.selected
        if thread is not None:
            self.post_message(self.Opened(thread))

    def on_click(self, event: events.Click) -> None:
        """Click highlights a row; a double click opens it."""
        index = int(self.scroll_offset.y) + event.y
        if index < self.total:
            self._set_cursor(index)
            if event.chain >= 2:
                self.action_open()
