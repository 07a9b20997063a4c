"""Mall relays: replies to masked buyers go through the relay's SMTP (STARTTLS,
its own login); others through the account's server. TLS and login errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shareinbox.config import SmtpConfig
from shareinbox.secrets import get_password
from shareinbox.sync.parse import parse_message
from shareinbox.sync.smtp import SendError, SmtpTransport
from tests.conftest import MemoryKeyring
from tests.fixtures.configs import account_block, write_config
from tests.fixtures.dovecot import DovecotServer
from tests.fixtures.smtp_server import SmtpServer
from tests.outbox.conftest import Shop, start_shop

RELAY_PASSWORD = "relay-Pa55"


@pytest.fixture
def relay(imap: DovecotServer) -> Iterator[SmtpServer]:
    """The mall's relay: STARTTLS (Dovecot's certificate) and a login."""
    server = SmtpServer(
        user="shop-relay",
        password=RELAY_PASSWORD,
        security="starttls",
        cert=imap.cert,
        key=imap.base / "key.pem",
    ).start()
    yield server
    server.stop()


@pytest.fixture
def mall(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    relay: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Shop]:
    """A shop whose account relays replies to Rakuten buyers."""
    running = _start_mall(tmp_path, socket_dir, imap, smtp, relay, monkeypatch)
    yield running
    running.sender.stop()
    running.daemon.stop()


def _start_mall(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    relay: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    from_line: str = "",
) -> Shop:
    extra = f"""
[[account.relay]]
name = "rakuten"
domains = ["fw.rakuten.ne.jp"]
smtp = {{ host = "127.0.0.1", port = {relay.port}, security = "starttls", username = "shop-relay" }}
{from_line}
"""
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT_RAKUTEN", RELAY_PASSWORD)
    return start_shop(tmp_path, socket_dir, imap, smtp, monkeypatch, extra=extra)


def _send(shop: Shop, customer: str) -> tuple[int, dict[str, object]]:
    thread_id = shop.thread(customer_addr=customer, subject=f"{customer} のご注文")
    with shop.client("suzuki") as client:
        client.call("claim", thread_id=thread_id)
        client.call(
            "save_draft", thread_id=thread_id, body="ご注文ありがとうございます。"
        )
        preview = client.call("preview_send", thread_id=thread_id)
        outbox_id = int(client.call("submit", thread_id=thread_id)["id"])
    return outbox_id, preview


def test_relay_routing_by_recipient_domain(
    mall: Shop, smtp: SmtpServer, relay: SmtpServer
) -> None:
    buyer, plain = "a1b2c3@pc.fw.rakuten.ne.jp", "taro@example.jp"
    relayed, preview = _send(mall, buyer)
    assert preview["route"] == f"relay rakuten (127.0.0.1:{relay.port})"
    direct, _ = _send(mall, plain)
    mall.wait_state(relayed, "sent")
    mall.wait_state(direct, "sent")
    (via_relay,) = relay.received()
    (via_account,) = smtp.received()
    assert via_relay.rcpt_tos == (buyer,)
    assert via_relay.login == "shop-relay"
    assert via_relay.mail_from == mall.address
    assert parse_message(via_relay.data).from_ is not None
    assert parse_message(via_relay.data).from_.addr == mall.address  # type: ignore[union-attr]
    assert via_account.rcpt_tos == (plain,)
    assert via_account.login is None
    assert mall.row(relayed)["route"] == "rakuten"
    assert mall.row(direct)["route"] == ""


def test_a_wrong_relay_password_fails_clearly(
    mall: Shop, relay: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT_RAKUTEN", "wrong")
    outbox_id, _ = _send(mall, "x9@pc.fw.rakuten.ne.jp")
    mall.wait_state(outbox_id, "failed")
    error = mall.row(outbox_id)["last_error"]
    assert "refused the login of 'shop-relay'" in error
    assert "wrong" not in error
    assert relay.received() == []


def test_implicit_tls_with_login(imap: DovecotServer) -> None:
    server = SmtpServer(user="u", password="p", security="tls", cert=imap.cert,
                        key=imap.base / "key.pem").start()  # fmt: skip
    try:
        cfg = SmtpConfig(
            host="127.0.0.1", port=server.port, security="tls", username="u"
        )
        marks: list[str] = []
        delivery = SmtpTransport(cfg, lambda: "p").send(
            "shop@example.jp", ["taro@example.jp"], b"Subject: x\r\n\r\n.dot\r\n",
            before_commit=lambda: marks.append("commit"),
        )  # fmt: skip
        assert delivery.reply.startswith("250")
        assert marks == ["commit"]
        (mail,) = server.received()
        assert mail.data.endswith(b".dot\r\n")
        wrong = SmtpConfig(host="127.0.0.1", port=server.port, username="u",
                           security="tls")  # fmt: skip
        with pytest.raises(SendError) as refused:
            SmtpTransport(wrong, lambda: "bad").send(
                "shop@example.jp", ["t@example.jp"], b"x", before_commit=lambda: None
            )
        assert not refused.value.temporary
        assert "refused the login" in refused.value.message
    finally:
        server.stop()


def test_a_refused_connection_is_temporary() -> None:
    server = SmtpServer()
    cfg = SmtpConfig(host="127.0.0.1", port=server.port, security="none")
    with pytest.raises(SendError) as refused:
        SmtpTransport(cfg).send("a@b.jp", ["c@d.jp"], b"x", before_commit=lambda: None)
    assert refused.value.temporary
    assert "connection refused" in refused.value.message


def test_tls_to_a_plain_server_is_a_permanent_error(smtp: SmtpServer) -> None:
    cfg = SmtpConfig(host="127.0.0.1", port=smtp.port, security="tls")
    with pytest.raises(SendError) as refused:
        SmtpTransport(cfg, timeout=5).send(
            "a@b.jp", ["c@d.jp"], b"x", before_commit=lambda: None
        )
    assert not refused.value.temporary
    assert "TLS" in refused.value.message


def test_password_set_for_a_relay_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated: MemoryKeyring
) -> None:
    from shareinbox.cli import main

    extra = """
[[account.relay]]
name = "rakuten"
domains = ["fw.rakuten.ne.jp"]
smtp = { host = "sub.fw.rakuten.ne.jp", port = 587, username = "shop-relay" }
"""
    config = write_config(
        tmp_path, accounts=account_block("support", "shop", extra=extra)
    )
    monkeypatch.setattr("getpass.getpass", lambda prompt: "relay-secret")
    assert main(["--config", str(config), "password", "set", "support.rakuten"]) == 0
    assert isolated.store[("shareinbox", "support.rakuten")] == "relay-secret"
    assert get_password("support.rakuten") == "relay-secret"
    assert main(["--config", str(config), "password", "set", "support.amazon"]) == 1


def test_doctor_logs_in_to_the_relay(
    mall: Shop, relay: SmtpServer, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    from shareinbox.cli import main

    main(["--config", str(mall.config.path), "doctor"])
    out = capsys.readouterr().out
    assert f"ok    relay rakuten: SMTP login at 127.0.0.1:{relay.port}" in out
    monkeypatch.setenv("SHAREINBOX_PASSWORD_SUPPORT_RAKUTEN", "Wr0ng")
    assert main(["--config", str(mall.config.path), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAIL  relay rakuten: SMTP server 127.0.0.1" in out
    assert "refused the login of 'shop-relay'" in out
    assert "Wr0ng" not in out


def test_a_relay_sends_from_the_address_the_mall_registered(
    tmp_path: Path,
    socket_dir: Path,
    imap: DovecotServer,
    smtp: SmtpServer,
    relay: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registered = "rakuten-shop@example.jp"
    shop = _start_mall(tmp_path, socket_dir, imap, smtp, relay, monkeypatch,
                       from_line=f'from = "{registered}"')  # fmt: skip
    try:
        relayed, preview = _send(shop, "q7@pc.fw.rakuten.ne.jp")
        direct, plain_preview = _send(shop, "hanako@example.jp")
        shop.wait_state(relayed, "sent")
        shop.wait_state(direct, "sent")
        sent_id = shop.row(relayed)["sent_message"]
        with shop.daemon.store.read() as conn:
            direction = conn.execute(
                "SELECT direction FROM message WHERE id = ?", (sent_id,)
            ).fetchone()[0]
    finally:
        shop.sender.stop()
        shop.daemon.stop()
    assert preview["from"]["addr"] == registered  # type: ignore[index]
    assert plain_preview["from"]["addr"] == shop.address  # type: ignore[index]
    (via_relay,) = relay.received()
    assert via_relay.mail_from == registered
    sender = parse_message(via_relay.data).from_
    assert sender is not None
    assert sender.addr == registered
    (via_account,) = smtp.received()
    assert via_account.mail_from == shop.address
    assert direction == "out"
