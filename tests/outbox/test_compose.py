"""Composing replies: recipients, subject, threading headers, charsets, files."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

import pytest

from shareinbox.errors import ProtocolError
from shareinbox.sync.compose import (
    Original,
    OutgoingFile,
    OutgoingMail,
    new_message_id,
    render,
    reply_headers,
    reply_subject,
)
from shareinbox.sync.jis import decode_iso2022jp
from shareinbox.sync.mailtypes import Address
from shareinbox.sync.parse import parse_message

SHOP = "support@shop.example"
CUSTOMER = Address("山田 太郎", "taro@example.jp")


def _original(**kwargs: object) -> Original:
    values: dict[str, object] = {
        "message_id": "orig@example.jp",
        "subject": "ご注文について",
        "from_": CUSTOMER,
        "to": (Address("", SHOP), Address("Hanako", "hanako@example.jp")),
        "cc": (Address("", "boss@example.jp"), Address("", "SUPPORT@shop.example")),
        "references": ("first@example.jp", "second@example.jp"),
        "in_reply_to": "second@example.jp",
    }
    values.update(kwargs)
    return Original(**values)  # type: ignore[arg-type]


def _mail(**kwargs: object) -> OutgoingMail:
    values: dict[str, object] = {
        "sender": Address("テスト商店", SHOP),
        "to": (CUSTOMER,),
        "subject": "Re: ご注文について",
        "body": "山田様\n\nお問い合わせありがとうございます。\n",
        "message_id": new_message_id(SHOP, 1_767_225_600.0),
        "date": 1_767_225_600.0,
    }
    values.update(kwargs)
    return OutgoingMail(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("ご注文について", "Re: ご注文について"),
        ("Re: ご注文について", "Re: ご注文について"),
        ("RE: Re: re:ご注文", "Re: ご注文"),
        ("Re[2]: Fwd: 返品", "Re: Fwd: 返品"),
        ("Ｒｅ：返品", "Re: 返品"),
        ("AW: Sv: order", "Re: order"),
        ("Re: \r\nBcc: evil@x", "Re: Bcc: evil@x"),
        ("", "Re:"),
    ],
)
def test_reply_subject_does_not_stack(subject: str, expected: str) -> None:
    assert reply_subject(subject) == expected


def test_reply_goes_to_the_sender_with_threading_headers() -> None:
    headers = reply_headers(_original(), [SHOP])
    assert headers.to == (CUSTOMER,)
    assert headers.cc == ()
    assert headers.subject == "Re: ご注文について"
    assert headers.in_reply_to == "<orig@example.jp>"
    assert headers.references == (
        "<first@example.jp>",
        "<second@example.jp>",
        "<orig@example.jp>",
    )


def test_reply_all_copies_the_others_but_never_us() -> None:
    headers = reply_headers(_original(), [SHOP], reply_all=True)
    assert headers.to == (CUSTOMER,)
    assert [a.addr for a in headers.cc] == ["hanako@example.jp", "boss@example.jp"]


def test_reply_to_wins_and_answering_our_own_mail_goes_to_its_recipients() -> None:
    with_reply_to = _original(reply_to=(Address("", "orders@example.jp"),))
    assert [a.addr for a in reply_headers(with_reply_to, [SHOP]).to] == [
        "orders@example.jp"
    ]
    ours = _original(from_=Address("", SHOP), to=(CUSTOMER,), cc=())
    assert reply_headers(ours, [SHOP]).to == (CUSTOMER,)


def test_references_are_capped_keeping_the_first_and_newest() -> None:
    refs = tuple(f"r{n}@x" for n in range(40))
    headers = reply_headers(_original(references=refs), [SHOP])
    assert len(headers.references) == 20
    assert headers.references[0] == "<r0@x>"
    assert headers.references[-2:] == ("<r39@x>", "<orig@example.jp>")


def test_message_id_is_ours_and_unique() -> None:
    first, second = new_message_id(SHOP), new_message_id(SHOP)
    assert first != second
    assert first.startswith("<")
    assert first.endswith("@shop.example>")


def test_utf8_message_reads_back_with_every_header() -> None:
    mail = _mail(
        cc=(Address('Jo "x" Smith', "jo@example.com"),),
        in_reply_to="<orig@example.jp>",
        references=("<first@example.jp>", "<orig@example.jp>"),
    )
    raw = render(mail)
    assert raw.isascii()
    parsed = parse_message(raw)
    assert parsed.subject == "Re: ご注文について"
    assert parsed.from_ == Address("テスト商店", SHOP)
    assert parsed.to == (Address("山田 太郎", "taro@example.jp"),)
    assert parsed.cc == (Address('Jo "x" Smith', "jo@example.com"),)
    assert parsed.message_id == mail.message_id.strip("<>")
    assert parsed.in_reply_to == "orig@example.jp"
    assert parsed.references == ("first@example.jp", "orig@example.jp")
    assert parsed.text.strip() == mail.body.strip()
    assert parsed.date is not None
    assert parsed.date.timestamp() == mail.date
    std = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(std, EmailMessage)
    assert std.get_content_charset() == "utf-8"
    assert all(len(line) <= 78 for line in raw.split(b"\r\n\r\n")[0].split(b"\r\n"))


def test_iso_2022_jp_when_every_character_encodes_including_nec_kanji() -> None:
    body = "髙橋様\n\n① ㈱ Ⅲ 〜 をご確認ください。\n"
    raw = render(_mail(body=body, subject="Re: ①の件 髙橋", charset="iso-2022-jp"))
    assert b'charset="ISO-2022-JP"' in raw
    assert b"=?ISO-2022-JP?B?" in raw
    assert b"Content-Transfer-Encoding: 7bit" in raw
    parsed = parse_message(raw)
    assert parsed.subject == "Re: ①の件 髙橋"
    assert "① ㈱ Ⅲ" in parsed.text
    assert "髙橋様" in parsed.text
    body_bytes = raw.split(b"\r\n\r\n", 1)[1]
    for line in body_bytes.split(b"\r\n"):
        # RFC 1468: every line ends in ASCII mode
        assert line.rfind(b"\x1b$B") <= line.rfind(b"\x1b(B")
    assert decode_iso2022jp(body_bytes)[1] == 0


@pytest.mark.parametrize("text", ["ｶﾀｶﾅです", "ありがとう😀", "Ünïcödé ß"])
def test_iso_2022_jp_account_falls_back_to_utf8(text: str) -> None:
    raw = render(_mail(body=text, charset="iso-2022-jp"))
    assert b'charset="UTF-8"' in raw
    assert b"ISO-2022-JP" not in raw
    assert parse_message(raw).text.strip() == text


def test_fallback_is_decided_for_the_whole_mail() -> None:
    raw = render(_mail(subject="Re: 😀", body="ふつうの本文", charset="iso-2022-jp"))
    assert b"ISO-2022-JP" not in raw
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.text.strip()) == ("Re: 😀", "ふつうの本文")


def test_attachments_with_rfc2231_names() -> None:
    long_name = "お見積書（2026年1月分）とても長いファイル名の見積書です.pdf"
    files = (
        OutgoingFile(long_name, "application/pdf", b"%PDF-1.4\n" + bytes(range(256))),
        OutgoingFile("photo.jpg", "image/jpeg", b"\xff\xd8\xff"),
    )
    raw = render(_mail(attachments=files))
    assert b"filename*0*=UTF-8''" in raw
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == [long_name, "photo.jpg"]
    assert [a.size for a in parsed.attachments] == [len(f.data) for f in files]
    std = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(std, EmailMessage)
    names = [part.get_filename() for part in std.iter_attachments()]
    assert names == [long_name, "photo.jpg"]
    assert parsed.text.strip().startswith("山田様")


def test_a_line_starting_with_a_dot_and_long_lines_survive() -> None:
    body = ".hidden line\n" + "長" * 600 + "\n"
    raw = render(_mail(body=body))
    assert parse_message(raw).text.strip() == body.strip()


def test_no_header_injection_from_names_or_addresses() -> None:
    raw = render(_mail(to=(Address("Evil\r\nBcc: x@evil", "taro@example.jp"),)))
    headers = raw.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc:" not in headers
    with pytest.raises(ProtocolError):
        render(_mail(to=(Address("", "taro@example.jp\r\nBcc: x@evil"),)))
    with pytest.raises(ProtocolError):
        render(_mail(to=(Address("", "たろう@example.jp"),)))
