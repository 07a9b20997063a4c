"""Template operations over the real daemon socket: list, preview with the
thread's data, suggestions, an audited check, errors as TemplateError."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.config import load_config
from shareinbox.errors import NotFound, ProtocolError, TemplateError
from shareinbox.store import details
from tests.daemon.harness import InProcessDaemon, daemon_config, remove_tree, short_dir
from tests.fixtures.seed import add_message, seed_thread
from tests.reply.helpers import BODY_LINE, write_template

HOSTILE = "{{ 7*7 }}\x1b]52;c;ZXZpbA==\x07"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[InProcessDaemon]:
    """A daemon whose config has a signature and a team template directory."""
    socket_dir = short_dir()
    path = daemon_config(tmp_path, socket_dir).path
    team = tmp_path / "team"
    write_template(team / "en", "live", "v1 {{ staff.name }}\n")
    text = path.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "en"\nsignature = "Shop Support"'
    )
    path.write_text(text + f'\n[templates]\ndir = "{team}"\n', encoding="utf-8")
    running = InProcessDaemon(load_config(path)).start()
    yield running
    running.stop()
    remove_tree(socket_dir)


def _team_file(daemon: InProcessDaemon) -> Path:
    assert daemon.config.templates_dir is not None
    return daemon.config.templates_dir / "en" / "live.j2"


def test_list_shows_shipped_and_team_templates(served: InProcessDaemon) -> None:
    with served.client("suzuki") as client:
        listed = client.call("list_templates")
        japanese = client.call("list_templates", language="ja")
        with pytest.raises(ProtocolError):
            client.call("list_templates", language="fr")
    assert listed["language"] == "en"
    by_name = {t["name"]: t for t in listed["templates"]}
    assert by_name["live"]["source"] == "team"
    assert by_name["delivery-delay"] | {"path": ""} == {
        "name": "delivery-delay", "title": "Delivery delay", "category": "delivery",
        "subject": "Re: {{ thread.subject or 'Your delivery' }}", "language": "en",
        "keywords": by_name["delivery-delay"]["keywords"], "source": "shipped",
        "error": None, "path": "",
    }  # fmt: skip
    assert "配送" in {t["category"] for t in japanese["templates"]}


def test_preview_renders_the_threads_real_data(served: InProcessDaemon) -> None:
    thread = seed_thread(
        served.store,
        subject="Where is my order 123456-20260101-0000000001?",
        customer_name=HOSTILE,
        customer_addr="Jane@Example.jp",
        body="Hello,\nmy order has not arrived.",
    )
    add_message(served.store, thread, body="We shipped it.", at=1_767_300_000,
                direction="out", sent_by="tanaka")  # fmt: skip
    with served.store.write() as conn:
        conn.execute(
            "INSERT INTO order_ref (thread_id, order_id) VALUES (?, ?)",
            (thread, "123456-20260101-0000000001"),
        )
    with served.client("suzuki") as client:
        preview = client.call(
            "preview_template", thread_id=thread, name="delivery-delay"
        )
        with pytest.raises(NotFound):
            client.call(
                "preview_template", thread_id=thread + 99, name="delivery-delay"
            )
        with pytest.raises(NotFound):
            client.call("preview_template", thread_id=thread, name="nothing")
    assert preview["subject"] == "Re: Where is my order 123456-20260101-0000000001?"
    body = preview["body"]
    assert body.startswith("Dear {{ 7*7 }},\n")  # data, and the escape is gone
    assert "\x1b" not in body
    assert "This is 鈴木 一郎 from our customer support team." in body
    assert "Order number: 123456-20260101-0000000001" in body
    assert (
        "Kind regards,\n鈴木 一郎\n\nShop Support\n\n> Hello,\n> my order has not arrived.\n"
        in body
    )
    assert "We shipped it." not in body


def test_a_broken_template_fails_with_its_line_and_edits_are_live(
    served: InProcessDaemon,
) -> None:
    thread = seed_thread(served.store)
    path = _team_file(served)
    with served.client("sato") as client:
        assert client.call("preview_template", thread_id=thread, name="live")[
            "body"
        ] == ("v1 佐藤 美咲\n")
        write_template(path.parent, "live", "v2\n{{ customer.address }}\n")
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
        with pytest.raises(TemplateError) as caught:
            client.call("preview_template", thread_id=thread, name="live")
        assert caught.value.message.startswith(
            f"live:{BODY_LINE + 1}: unknown variable"
        )
        listed = {t["name"]: t for t in client.call("list_templates")["templates"]}
        assert listed["live"]["error"].startswith(f"live:{BODY_LINE + 1}:")


def test_suggestions_rank_the_fitting_templates_first(served: InProcessDaemon) -> None:
    thread = seed_thread(
        served.store,
        subject="Refund please",
        body="The mug arrived broken. I would like to return it and get a refund.",
    )
    with served.client("suzuki") as client:
        top = client.call("suggest_templates", thread_id=thread)["suggestions"]
        five = client.call("suggest_templates", thread_id=thread, limit=5)[
            "suggestions"
        ]
        with pytest.raises(ProtocolError):
            client.call("suggest_templates", thread_id=thread, limit=0)
        with pytest.raises(NotFound):
            client.call("suggest_templates", thread_id=thread + 1)
    assert top[0]["name"] == "return-exchange"
    assert top[0]["category"] == "returns"
    assert len(top) == 3
    assert [s["name"] for s in five[:3]] == [s["name"] for s in top]
    assert top[0]["score"] >= top[1]["score"] >= top[2]["score"]


def test_check_is_audited_and_reports_broken_templates(served: InProcessDaemon) -> None:
    write_template(_team_file(served).parent, "broken", "{{ ''.__class__ }}\n")
    with served.client("suzuki") as client:
        result = client.call("check_templates")
    assert result["checked"] == 20  # 9 shipped + 2 team (en), 9 shipped (ja)
    assert [(p["name"], p["line"]) for p in result["problems"]] == [
        ("broken", BODY_LINE)
    ]
    with served.store.read() as conn:
        rows = [r for r in details.audit_rows(conn) if r["action"] == "check_templates"]
    assert len(rows) == 1
    assert rows[0]["actor"] == "suzuki"


def test_a_reply_is_offered_in_the_customers_language(
    served: InProcessDaemon,
) -> None:
    english = seed_thread(served.store, subject="Parcel still not here",
                          customer_addr="amy@example.com",
                          body="Hello, my parcel has not arrived yet. Could you check it?")  # fmt: skip
    japanese = seed_thread(served.store, subject="商品が届きません",
                           customer_addr="taro@example.jp",
                           body="注文した商品がまだ届きません。確認をお願いします。")  # fmt: skip
    with served.client("suzuki") as client:
        listed = {
            thread: client.call("list_templates", thread_id=thread)["language"]
            for thread in (english, japanese)
        }
        preview = client.call(
            "preview_template", thread_id=japanese, name="delivery-delay"
        )
        suggested = client.call("suggest_templates", thread_id=japanese, limit=3)
        # A team template that exists only in English is still usable.
        team_only = client.call("preview_template", thread_id=japanese, name="live")
    assert listed == {english: "en", japanese: "ja"}
    assert "様" in preview["body"]
    assert suggested["suggestions"][0]["name"] == "delivery-delay"
    assert team_only["body"].startswith("v1 ")
