"""Pushed events: a change by one client reaches the others; a reconnecting
client catches up; presence passes by without being stored."""

from __future__ import annotations

import asyncio

import pytest

from shareinbox.client import Client, Event
from shareinbox.errors import DaemonUnavailable
from tests.daemon.harness import InProcessDaemon
from tests.fixtures.seed import seed_thread


async def _next(client: Client, kind: str, wait: float = 5.0) -> Event:
    async def find() -> Event:
        async for event in client.events():
            if event["kind"] == kind:
                return event
        raise AssertionError("the connection ended")

    return await asyncio.wait_for(find(), wait)


async def _change_reaches_subscriber(daemon: InProcessDaemon, thread_id: int) -> None:
    watcher = await Client.connect(daemon.socket, as_login="tanaka")
    actor = await Client.connect(daemon.socket, as_login="suzuki")
    try:
        await watcher.subscribe()
        await actor.call(
            "set_status", thread_id=thread_id, status="waiting", reason="customer"
        )
        event = await _next(watcher, "thread.status")
        assert (event["thread_id"], event["actor"]) == (thread_id, "suzuki")
        assert event["data"]["status"] == "waiting"
        assert isinstance(event["seq"], int)
        assert watcher.last_seq == event["seq"]
    finally:
        await watcher.close()
        await actor.close()


def test_a_change_reaches_a_subscribed_client(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    asyncio.run(_change_reaches_subscriber(daemon, thread_id))


async def _replay(daemon: InProcessDaemon, thread_id: int) -> None:
    first = await Client.connect(daemon.socket, as_login="tanaka")
    await first.subscribe()
    await first.call("claim", thread_id=thread_id)
    await _next(first, "thread.lock")
    seen = first.last_seq
    await first.close()
    with daemon.client() as other:  # root, while tanaka is away
        other.call("add_note", thread_id=thread_id, text="電話あり")
        other.call("assign", thread_id=thread_id, login=None)
    again = await Client.connect(daemon.socket, as_login="tanaka")
    try:
        await again.subscribe(since=seen)
        kinds = [
            (await _next(again, k))["kind"] for k in ("thread.note", "thread.assigned")
        ]
        assert kinds == ["thread.note", "thread.assigned"]
        assert again.last_seq > seen
    finally:
        await again.close()


def test_reconnecting_with_since_replays_missed_events(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    asyncio.run(_replay(daemon, thread_id))


async def _presence(daemon: InProcessDaemon, thread_id: int) -> None:
    watcher = await Client.connect(daemon.socket, as_login="tanaka")
    viewer = await Client.connect(daemon.socket, as_login="sato")
    try:
        await watcher.subscribe()
        await viewer.call("set_presence", thread_id=thread_id)
        event = await _next(watcher, "presence")
        assert event["seq"] is None
        assert event["data"]["viewers"] == ["sato"]
        listed = await watcher.call("list_threads")
        assert listed["threads"][0]["viewers"] == ["sato"]
        await viewer.close()
        gone = await _next(watcher, "presence")
        assert gone["data"]["viewers"] == []
    finally:
        await watcher.close()
        await viewer.close()


def test_presence_is_pushed_and_ends_with_the_connection(
    daemon: InProcessDaemon,
) -> None:
    thread_id = seed_thread(daemon.store)
    asyncio.run(_presence(daemon, thread_id))


async def _sync_side_notify(daemon: InProcessDaemon) -> None:
    watcher = await Client.connect(daemon.socket)
    try:
        await watcher.subscribe()
        with daemon.store.write() as conn:  # what a sync worker commits
            conn.execute(
                "INSERT INTO event (at, kind, thread_id, data) VALUES (0, 'account.error', NULL, '{}')"
            )
        daemon.server.notify()
        event = await _next(watcher, "account.error")
        assert event["actor"] is None
    finally:
        await watcher.close()


def test_notify_pushes_what_another_part_of_the_daemon_stored(
    daemon: InProcessDaemon,
) -> None:
    asyncio.run(_sync_side_notify(daemon))


async def _lost(daemon: InProcessDaemon) -> None:
    client = await Client.connect(daemon.socket)
    await client.call("view_counts")
    await asyncio.get_running_loop().run_in_executor(None, daemon.stop)
    await asyncio.wait_for(client.closed.wait(), 10)
    with pytest.raises(DaemonUnavailable):
        await client.call("whoami")
    assert [e async for e in client.events()] == []
    await client.close()


def test_a_lost_daemon_is_detected(daemon: InProcessDaemon) -> None:
    asyncio.run(_lost(daemon))


async def _ahead(daemon: InProcessDaemon, thread_id: int) -> None:
    client = await Client.connect(daemon.socket, as_login="tanaka")
    try:
        await client.subscribe(since=10**9)  # a seq from another database
        resync = await _next(client, "resync")
        assert resync["seq"] is None
        await client.call("add_note", thread_id=thread_id, text="x")
        assert (await _next(client, "thread.note"))["thread_id"] == thread_id
    finally:
        await client.close()


def test_a_client_ahead_of_the_store_is_told_to_reload(daemon: InProcessDaemon) -> None:
    thread_id = seed_thread(daemon.store)
    asyncio.run(_ahead(daemon, thread_id))
