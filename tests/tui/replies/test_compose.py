"""Writing a reply in the TUI against the real daemon: templates, autosave
across app restarts, $EDITOR, attachments, warnings, reply-all, cancel."""

from __future__ import annotations

import json
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from shareinbox import paths
from shareinbox.screens.compose import ComposeScreen
from shareinbox.screens.confirm_send import ConfirmSendDialog
from shareinbox.screens.dialogs import ChoiceDialog
from shareinbox.screens.template_picker import TemplateDialog
from tests.daemon.harness import InProcessDaemon
from tests.tui.conftest import AppMaker, started, thread_row, toasts, wait_until
from tests.tui.replies.conftest import ids
from tests.tui.replies.helpers import body_of, open_reply, outbox_rows, picker_options
from tests.tui.screen_text import screen_text


async def test_a_reply_starts_from_the_suggested_template(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    with reply_daemon.client(as_login="tanaka") as client:
        best = client.call("suggest_templates", thread_id=fresh, limit=3)
    first = best["suggestions"][0]["name"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        await pilot.press("r")
        options = await picker_options(pilot, app)
        labels = [str(o.prompt) for o in options.options]
        assert labels[0] == "Suggested for this mail"
        assert labels[1].startswith("★")
        preview = app.screen.query_one("#preview", Static)
        await wait_until(pilot, lambda: "Jane Doe" in str(preview.render()))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        await wait_until(pilot, lambda: "Jane Doe" in body_of(app).text)
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[-1]["template"] == first
        )
        row = outbox_rows(reply_daemon, fresh)[-1]
        assert row["body"] == body_of(app).text
        assert json.loads(row["to_json"]) == [
            {"name": "Jane Doe", "addr": "jane@example.com"}
        ]
        assert row["subject"] == "Re: Question about sizes"
        assert app.screen.query_one("#to", Input).value == "Jane Doe <jane@example.com>"
        assert thread_row(reply_daemon, fresh)["locked_by"] == "tanaka"


async def test_typing_is_saved_and_comes_back_after_a_restart(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, app)
        await pilot.press(*"Hello Jane")
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[-1]["body"] == "Hello Jane"
        )
        state = screen.query_one("#save-state", Static)
        await wait_until(pilot, lambda: "Saved 11:00:00" in str(state.render()))
        subject = screen.query_one("#subject", Input)
        subject.value = "Re: sizes (M)"
        await wait_until(
            pilot,
            lambda: outbox_rows(reply_daemon, fresh)[-1]["subject"] == "Re: sizes (M)",
        )
    # The session is gone (as if SSH dropped); a new one finds everything.
    again = reply_tui()
    async with again.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, again, thread_id=fresh)
        assert body_of(again).text == "Hello Jane"
        assert screen.query_one("#subject", Input).value == "Re: sizes (M)"
        assert len(outbox_rows(reply_daemon, fresh)) == 1


async def test_text_typed_just_before_quitting_is_saved(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, app)
        await pilot.press(*"Hello Jane")
        await pilot.press("ctrl+q")  # well within the autosave delay
        await wait_until(pilot, lambda: app.return_code is not None)
    assert outbox_rows(reply_daemon, fresh)[-1]["body"] == "Hello Jane"
    again = reply_tui()
    async with again.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, again, thread_id=fresh)
        assert body_of(again).text == "Hello Jane"


async def test_text_typed_just_before_the_editor_is_lost_is_saved(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, app)
        await pilot.press(*"Hello Jane")
        app.pop_screen()  # the screen goes without being closed
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[-1]["body"] == "Hello Jane"
        )


async def test_editor_round_trip(
    reply_tui: AppMaker,
    reply_daemon: InProcessDaemon,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    script = tmp_path / "fake-editor"
    seen = tmp_path / "seen"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$1" > {seen}.path; cat "$1" > {seen}\n'
        "printf 'ジェーン様\\nMサイズは在庫があります。\\n\\033]52;c;eA==\\007' >> \"$1\"\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{script}")
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, app)
        await pilot.press(*"first line", "enter")
        await pilot.press("ctrl+e")
        await wait_until(pilot, lambda: "在庫があります" in body_of(app).text)
        expected = "first line\nジェーン様\nMサイズは在庫があります。\n"
        assert body_of(app).text == expected  # the escape sequence was removed
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[-1]["body"] == expected
        )
    given, path = _editor_saw(seen)
    assert given == "first line\n"
    assert path.name.startswith("shareinbox-reply-")
    assert not path.exists()  # the temporary file is gone


def _editor_saw(seen: Path) -> tuple[str, Path]:
    """The text the fake editor was given, and the file it was given it in."""
    text = seen.read_text(encoding="utf-8")
    return text, Path(Path(f"{seen}.path").read_text(encoding="utf-8").strip())


async def test_attach_a_file_and_refuse_a_directory(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon, tmp_path: Path
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    document = tmp_path / "サイズ表.pdf"
    document.write_bytes(b"%PDF-1.4 sizes")
    app = reply_tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        screen = await open_reply(pilot, app)
        await pilot.press("ctrl+o")
        field = app.screen.query_one(Input)
        field.value = str(tmp_path)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("is a directory" in t for t in toasts(app)))
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(tmp_path / "missing.txt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("no such file" in t for t in toasts(app)))
        await pilot.press("ctrl+o")
        app.screen.query_one(Input).value = str(document)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "サイズ表.pdf (14 B)" in screen_text(app))
        draft = screen.draft
        assert draft is not None
        files = draft["attachments"]
        assert [(f["filename"], f["size"]) for f in files] == [("サイズ表.pdf", 14)]
        outbox_id = outbox_rows(reply_daemon, fresh)[-1]["id"]
        with reply_daemon.store.read() as conn:
            data = conn.execute(
                "SELECT data FROM outbox_attachment WHERE outbox_id = ?", (outbox_id,)
            ).fetchone()[0]
        assert bytes(data) == b"%PDF-1.4 sizes"


async def test_confirmation_shows_recipients_and_warnings(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, app)
        await pilot.press(*"Dear Mr Smith,", "enter", *"The size chart is attached.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmSendDialog))
        text = screen_text(app)
        assert "To: Jane Doe <jane@example.com>" in text
        assert "Subject: Re: Question about sizes" in text
        assert "Files: none" in text
        assert "mentions an attachment" in text
        assert "names someone other than the thread's customer" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        body_of(app).load_text("")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmSendDialog))
        assert "The reply has no text of its own" in screen_text(app)


async def test_reply_all_switches_the_recipients(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, app)
        to = screen.query_one("#to", Input)
        to.value = "Jane Doe <jane@example.com>, boss@example.com"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: screen.reply_all)
        await wait_until(pilot, lambda: to.value == "Jane Doe <jane@example.com>")
        to.value = "not an address"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any("is not an address" in t for t in toasts(app))
        )
        assert isinstance(app.screen, ComposeScreen)


async def test_cancel_asks_to_keep_or_discard(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_reply(pilot, app)
        await pilot.press(*"keep me")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # keep (the default)
        await wait_until(
            pilot, lambda: not isinstance(app.screen, ComposeScreen | ChoiceDialog)
        )
        assert outbox_rows(reply_daemon, fresh)[-1]["body"] == "keep me"
        assert thread_row(reply_daemon, fresh)["locked_by"] is None
        await open_reply(pilot, app, thread_id=fresh)
        assert body_of(app).text == "keep me"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # discard
        await wait_until(pilot, lambda: outbox_rows(reply_daemon, fresh) == [])
        assert thread_row(reply_daemon, fresh)["locked_by"] is None


async def test_a_thread_someone_else_is_answering_is_not_opened(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    with reply_daemon.client(as_login="suzuki") as client:
        client.call("claim", thread_id=fresh)
    app = reply_tui()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await started(pilot, app, 1)
        app.push_screen(ComposeScreen(fresh))
        await wait_until(pilot, lambda: any("is locked" in t for t in toasts(app)))
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen))
    assert outbox_rows(reply_daemon, fresh) == []


async def test_a_file_can_be_removed_again(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.txt").write_text("bb")
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, app)
        for name in ("a.txt", "b.txt"):
            await pilot.press("ctrl+o")
            app.screen.query_one(Input).value = str(tmp_path / name)
            await pilot.press("enter")
            await wait_until(pilot, lambda n=name: n in screen_text(app))  # type: ignore[misc]
        await pilot.press("ctrl+l")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # the first: a.txt
        await wait_until(pilot, lambda: "a.txt" not in screen_text(app))
        draft = screen.draft
        assert draft is not None
        assert [f["filename"] for f in draft["attachments"]] == ["b.txt"]
    with reply_daemon.store.read() as conn:
        names = [r[0] for r in conn.execute("SELECT filename FROM outbox_attachment")]
    assert names == ["b.txt"]


async def test_the_reply_keys_are_in_help_and_the_command_palette(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    from shareinbox.screens.help import HelpScreen
    from shareinbox.screens.palette import screen_commands

    app = reply_tui(language="ja")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, app)
        titles = {c.title for c in screen_commands(app, screen)}
        assert {
            "送信…",
            "テンプレート",
            "添付",
            "エディタ",
            "全員に返信",
            "送信箱",
            "承認待ち",
        } <= titles
        app.action_help()
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await wait_until(pilot, lambda: bool(app.screen.query("#keys")))
        text = str(app.screen.query_one("#keys", Static).render())
        for ident in ("compose.send", "compose.template", "compose.editor",
                      "compose.attach", "app.outbox", "app.approvals"):  # fmt: skip
            assert ident in text


async def test_closing_while_the_daemon_is_away_says_what_would_be_lost(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    fresh = ids(reply_daemon)["fresh"]
    app = reply_tui()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_reply(pilot, app)
        await pilot.press(*"saved part")
        await wait_until(
            pilot, lambda: outbox_rows(reply_daemon, fresh)[-1]["body"] == "saved part"
        )
        reply_daemon.stop()
        await wait_until(pilot, lambda: not app.online)
        await pilot.press(*" and more")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert "The last changes are not saved" in screen_text(app)
        await pilot.press("enter")  # continue writing (the default)
        await wait_until(pilot, lambda: app.screen is screen)
        assert body_of(app).text == "saved part and more"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # leave anyway
        await wait_until(
            pilot, lambda: not isinstance(app.screen, ComposeScreen | ChoiceDialog)
        )
    database = paths.database_file(reply_daemon.config.server.data_dir)
    with closing(sqlite3.connect(database)) as conn:
        (body,) = conn.execute("SELECT body FROM outbox").fetchone()
    assert body == "saved part"


@pytest.mark.parametrize(("width", "shown"), [(100, False), (130, True)])
async def test_the_customers_mail_is_beside_the_reply_on_wide_terminals(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon, width: int, shown: bool
) -> None:
    app = reply_tui()
    async with app.run_test(size=(width, 30)) as pilot:
        screen = await open_reply(pilot, app)
        original = screen.query_one("#original", Static)
        await wait_until(
            pilot, lambda: "Do you have it in M?" in str(original.render())
        )
        await pilot.pause()
        assert ("Do you have it in M?" in screen_text(app)) is shown


async def test_a_japanese_mail_is_offered_japanese_templates(
    reply_tui: AppMaker, reply_daemon: InProcessDaemon
) -> None:
    late = ids(reply_daemon)["late"]
    app = reply_tui(language="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await started(pilot, app, 2)
        app.push_screen(TemplateDialog(late))
        options = await picker_options(pilot, app)
        await wait_until(pilot, lambda: options.option_count > 5)
        labels = [str(o.prompt) for o in options.options]
        preview = app.screen.query_one("#preview", Static)
        await wait_until(pilot, lambda: "様" in str(preview.render()))
    assert any("配送" in label for label in labels)
    assert not any("Delivery delay" in label for label in labels)
