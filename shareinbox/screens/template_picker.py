"""Choosing a reply template: the suggestions for this mail first, best
first, then every template by category; the highlighted one is previewed
with the thread's real data (rendered by the daemon, shown as plain text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from shareinbox.bindings import translate_bindings
from shareinbox.errors import ShareinboxError
from shareinbox.i18n import N_, _
from shareinbox.text import clean, one_line
from shareinbox.widgets.cells import fit

if TYPE_CHECKING:
    from shareinbox.app import ShareinboxApp

SUGGESTIONS = 3
LABEL = 30  # cells of a template's row


def template_options(
    suggested: list[dict[str, Any]], templates: list[dict[str, Any]]
) -> list[Option | None]:
    """The picker's rows: suggestions, a separator, then all (by category)."""
    rows: list[Option | None] = []
    if suggested:
        rows.append(Option(Content(_("Suggested for this mail")), disabled=True))
        for s in suggested:
            label = fit(f"★ {s.get('title') or s['name']}", LABEL)
            rows.append(Option(Content(label), id=f"s:{s['name']}"))
        rows.append(None)
    rows.append(Option(Content(_("All templates")), disabled=True))
    for t in templates:
        if t.get("error"):
            continue
        category = one_line(str(t.get("category") or ""))
        title = one_line(str(t.get("title") or t["name"]))
        label = fit(f"{category} · {title}" if category else title, LABEL)
        rows.append(Option(Content(label), id=f"a:{t['name']}"))
    return rows


class TemplateDialog(ModalScreen[str | None]):
    """Pick a template for a reply to one thread; returns its name."""

    DEFAULT_CSS = """
    TemplateDialog { align: center middle; }
    TemplateDialog > Vertical { width: 100%; max-width: 120; height: 100%; max-height: 30;
        border: round $accent; background: $surface; padding: 0 1; }
    TemplateDialog Horizontal { height: 1fr; }
    TemplateDialog OptionList { width: 34; height: 1fr; }
    TemplateDialog #preview-scroll { width: 1fr; height: 1fr; padding: 0 1; }
    TemplateDialog .hint { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("No template"), id="templates.cancel")
    ]

    def __init__(self, thread_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.thread_id = thread_id

    @property
    def inbox_app(self) -> ShareinboxApp:
        """The app, typed."""
        return cast("ShareinboxApp", self.app)

    def compose(self) -> ComposeResult:
        """The list, the preview and a hint."""
        with Vertical():
            yield Label(Content(_("Choose a template")))
            with Horizontal():
                yield OptionList(id="templates")
                with VerticalScroll(id="preview-scroll"):
                    yield Static("", id="preview", markup=False)
            yield Label(Content(_("enter use · esc no template")), classes="hint")

    def on_mount(self) -> None:
        """Load the suggestions and the templates."""
        self.run_worker(self._load(), exclusive=True, group="load")

    async def _load(self) -> None:
        app = self.inbox_app
        suggested: list[dict[str, Any]] = []
        templates: list[dict[str, Any]] = []
        try:
            found = await app.request(
                "suggest_templates", thread_id=self.thread_id, limit=SUGGESTIONS
            )
            suggested = list(found.get("suggestions") or [])
            templates = list(
                (await app.request("list_templates", thread_id=self.thread_id))[
                    "templates"
                ]
            )
        except ShareinboxError as e:
            self.notify(one_line(e.message), severity="error", markup=False)
        options = self.query_one(OptionList)
        options.set_options(template_options(suggested, templates))
        for index, option in enumerate(options.options):
            if not option.disabled:
                options.highlighted = index
                break
        options.focus()

    def on_option_list_option_highlighted(
        self, event: OptionList.OptionHighlighted
    ) -> None:
        """Show the highlighted template, rendered for this thread."""
        name = (event.option.id or ":").split(":", 1)[1]
        if name:
            self.run_worker(self._preview(name), exclusive=True, group="preview")

    async def _preview(self, name: str) -> None:
        preview = self.query_one("#preview", Static)
        try:
            shown = await self.inbox_app.request(
                "preview_template", thread_id=self.thread_id, name=name
            )
        except ShareinboxError as e:
            preview.update(Text(one_line(e.message), "red"))
            return
        text = Text(one_line(str(shown.get("subject") or "")) + "\n\n", "bold")
        text.append(clean(str(shown.get("body") or ""), tabsize=4))
        preview.update(text)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: use this template."""
        name = (event.option.id or ":").split(":", 1)[1]
        if name:
            self.dismiss(name)

    def action_cancel(self) -> None:
        """No template (the reply starts empty or keeps its text)."""
        self.dismiss(None)
