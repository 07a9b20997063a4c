"""First contact: identity of root, a claim, a view."""

from __future__ import annotations

from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import seed_thread


def test_root_is_root_and_can_act_as_staff(daemon: InProcessDaemon) -> None:
    with daemon.client() as client:
        assert client.staff["login"] == "root"
        assert client.call("whoami")["role"] == "admin"
    with daemon.client(as_login="suzuki") as client:
        assert client.call("whoami")["login"] == "suzuki"


def test_claim_and_list(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store, subject="返品について")
    with daemon.client(as_login="suzuki") as client:
        thread = client.call("claim", thread_id=thread_id)
        assert thread["locked_by"] == "suzuki"
        assert thread["status"] == "open"
        page = client.call("list_threads", view="mine")
        assert [t["id"] for t in page["threads"]] == [thread_id]
        shown = client.call("show_thread", thread_id=thread_id)
        assert shown["messages"][0]["subject"] == "返品について"
