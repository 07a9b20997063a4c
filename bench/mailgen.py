"""A generated support mailbox: realistic shop mail for benchmarks.

About 45% of the messages are Japanese (ISO-2022-JP, UTF-8 and Shift_JIS in
turn), the rest English; customers write again in threads (Re: subjects with
In-Reply-To/References), some messages carry HTML alternatives or attachments,
and the median size is about 4.6 KB. The output is deterministic for a seed.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime

_JA_TOPICS = (
    ("返品について", "先日注文した商品を返品したいのですが、手続きを教えてください。"),
    (
        "注文番号{order}の配送状況",
        "注文した商品がまだ届きません。配送状況を確認していただけますか。",
    ),
    ("在庫の確認", "こちらの商品の在庫はありますか。入荷予定日を教えてください。"),
    ("交換のお願い", "届いた商品のサイズが合わなかったので、交換をお願いできますか。"),
    ("お問い合わせ", "商品の使い方について質問があります。説明書が見当たりません。"),
    (
        "領収書の発行",
        "会社の経費で購入したため、株式会社宛の領収書を発行してください。",
    ),
    (
        "キャンセル希望",
        "誤って二重に注文してしまいました。片方をキャンセルしてください。",
    ),
)
_JA_FILLER = (
    "お世話になっております。",
    "いつも楽しく拝見しております。",
    "お忙しいところ恐れ入りますが、よろしくお願いいたします。",
    "ギフト用のラッピングは可能でしょうか。",
    "支払い方法はクレジットカードでお願いします。",
    "前回も購入させていただきましたが、とても満足しております。",
    "配送日時の指定はできますか。午前中を希望します。",
    "ご確認のほど、何卒よろしくお願い申し上げます。",
    "商品ページの写真と色が少し違うように感じました。",
    "丁寧なご対応ありがとうございます。",
)
_EN_TOPICS = (
    ("Return request", "I would like to return the item I received last week."),
    ("Where is my order {order}?", "My order has not arrived yet. Could you check it?"),
    ("Question about sizes", "Do you have this jacket in a larger size?"),
    ("Invoice needed", "Could you send me an invoice for my company?"),
    ("Damaged item", "The package arrived damaged and the cup inside is broken."),
    ("Change of address", "I moved recently; please ship to my new address."),
)
_EN_FILLER = (
    "Thank you for your help.",
    "I have been a customer for years and I love your products.",
    "Please let me know as soon as possible.",
    "The tracking number does not seem to work on the carrier's website.",
    "I paid by credit card and the charge already appears on my statement.",
    "Is it possible to get a refund instead of an exchange?",
    "My phone number is in the order details if you need to call me.",
    "Best regards and have a nice day.",
)
_SURNAMES = (
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "中村",
    "小林",
    "加藤",
)
_GIVEN = ("太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔", "さくら")
_EN_NAMES = ("John Smith", "Mary Jones", "Alex Brown", "Sam Lee", "Kim Taylor")
_CHARSETS = ("iso-2022-jp", "utf-8", "shift_jis")
SHOP = "support@shop.example"


@dataclass
class _Thread:
    subject: str
    ids: list[str]
    customer: tuple[str, str]
    japanese: bool


class MailboxGenerator:
    """Yields raw RFC 822 messages (bytes) for a support mailbox."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.threads: list[_Thread] = []
        self.start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
        self.counter = 0

    def messages(self, count: int) -> Iterator[tuple[bytes, datetime]]:
        """`count` messages with their arrival times, oldest first."""
        for _ in range(count):
            yield self.message()

    def message(self) -> tuple[bytes, datetime]:
        """One message and its arrival time."""
        rng = self.rng
        self.counter += 1
        when = self.start + timedelta(minutes=7 * self.counter + rng.randint(0, 6))
        if self.threads and rng.random() < 0.35:
            thread = rng.choice(self.threads[-200:])
            subject = "Re: " if not thread.japanese or rng.random() < 0.5 else "返信: "
            subject += thread.subject
        else:
            thread = self._new_thread()
            subject = thread.subject
        msgid = f"<{self.counter}.{rng.getrandbits(40):x}@{thread.customer[1].split('@')[1]}>"
        raw = self._render(thread, subject, msgid, when)
        thread.ids.append(msgid)
        return raw, when

    def _new_thread(self) -> _Thread:
        rng = self.rng
        japanese = rng.random() < 0.45
        order = f"{rng.randint(100000, 999999)}-2025{rng.randint(1000, 1231):04d}-{rng.randint(10**9, 10**10 - 1)}"
        if japanese:
            topic = rng.choice(_JA_TOPICS)[0].format(order=order)
            name = rng.choice(_SURNAMES) + " " + rng.choice(_GIVEN)
        else:
            topic = rng.choice(_EN_TOPICS)[0].format(order=order)
            name = rng.choice(_EN_NAMES)
        addr = f"c{rng.randint(1, 5000)}@{rng.choice(('example.jp', 'mail.example', 'example.com'))}"
        thread = _Thread(topic, [], (name, addr), japanese)
        self.threads.append(thread)
        return thread

    def _body(self, thread: _Thread) -> str:
        rng = self.rng
        filler: tuple[str, ...]
        if thread.japanese:
            first = rng.choice(_JA_TOPICS)[1]
            filler = _JA_FILLER
            lines = [f"{SHOP} ご担当者様", "", first]
            sig = f"\n--\n{thread.customer[0]}\n〒100-0001 東京都千代田区1-2-3\n電話 03-1234-5678\n"
        else:
            first = rng.choice(_EN_TOPICS)[1]
            filler = _EN_FILLER
            lines = ["Hello,", "", first]
            sig = f"\n--\n{thread.customer[0]}\n12 Example Street, Springfield\n"
        target = int(rng.lognormvariate(7.7, 0.45) / (2.2 if thread.japanese else 1.0))
        text = "\n".join(lines)
        while len(text) < target:
            text += "\n" + rng.choice(filler)
        if thread.ids and rng.random() < 0.6:
            quoted = "\n".join(
                "> " + rng.choice(filler) for _ in range(rng.randint(3, 12))
            )
            text += "\n\n" + quoted
        return text + sig

    def _render(
        self, thread: _Thread, subject: str, msgid: str, when: datetime
    ) -> bytes:
        rng = self.rng
        charset = rng.choice(_CHARSETS) if thread.japanese else "us-ascii"
        body = self._body(thread)
        headers = [
            ("Return-Path", f"<{thread.customer[1]}>"),
            ("Received", f"from mx.example (mx.example [192.0.2.{rng.randint(1, 254)}]) by mail.shop.example with ESMTPS id {rng.getrandbits(48):x}; {format_datetime(when)}"),
            ("Received", f"from [10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}] by mx.example with ESMTPSA id {rng.getrandbits(40):x}; {format_datetime(when)}"),
            ("DKIM-Signature", _dkim(rng, thread.customer[1])),
            ("X-Mailer", rng.choice(("Microsoft Outlook 16.0", "iPhone Mail (21A329)", "Thunderbird 115.6", "Becky! ver. 2.81"))),
            ("From", _address(thread.customer, charset)),
            ("To", SHOP),
            ("Subject", _encode(subject, charset)),
            ("Date", format_datetime(when)),
            ("Message-ID", msgid),
            ("MIME-Version", "1.0"),
        ]  # fmt: skip
        if thread.ids:
            headers.append(("In-Reply-To", thread.ids[-1]))
            headers.append(("References", " ".join(thread.ids[-10:])))
        part = _text_part(body, charset)
        roll = rng.random()
        if roll < 0.12:
            payload = rng.randbytes(rng.randint(2000, 12000))
            content = _multipart(
                rng, [part, _attachment(payload, thread.japanese, rng)], "mixed"
            )
        elif roll < 0.30:
            html = (
                "<html><body><p>" + body.replace("\n", "<br>\n") + "</p></body></html>"
            )
            content = _multipart(
                rng, [part, _text_part(html, charset, "html")], "alternative"
            )
        else:
            content = part
        head = "".join(f"{k}: {v}\r\n" for k, v in headers)
        return head.encode("ascii") + content


def _dkim(rng: random.Random, addr: str) -> str:
    domain = addr.split("@")[1]
    sig = base64.b64encode(rng.randbytes(256)).decode()
    folded = "\r\n\t".join(sig[i : i + 70] for i in range(0, len(sig), 70))
    return (
        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={domain}; s=s1;\r\n"
        f"\th=from:to:subject:date:message-id; bh={base64.b64encode(rng.randbytes(32)).decode()};\r\n"
        f"\tb={folded}"
    )


def _encode(text: str, charset: str) -> str:
    if charset == "us-ascii" or text.isascii():
        return text
    return Header(text, charset).encode()


def _address(customer: tuple[str, str], charset: str) -> str:
    name, addr = customer
    if name.isascii():
        return f"{name} <{addr}>"
    return f"{_encode(name, charset)} <{addr}>"


def _text_part(text: str, charset: str, subtype: str = "plain") -> bytes:
    text = text.replace("\n", "\r\n")
    if charset == "iso-2022-jp":
        data = text.encode("iso-2022-jp", "replace")
        cte = "7bit"
    elif charset == "shift_jis":
        data = base64.encodebytes(text.encode("cp932", "replace")).replace(
            b"\n", b"\r\n"
        )
        cte = "base64"
    elif charset == "utf-8":
        data = base64.encodebytes(text.encode("utf-8")).replace(b"\n", b"\r\n")
        cte = "base64"
    else:
        data = text.encode("ascii", "replace")
        cte = "7bit"
    head = (
        f"Content-Type: text/{subtype}; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    )
    return head.encode("ascii") + data


def _attachment(payload: bytes, japanese: bool, rng: random.Random) -> bytes:
    name = "写真.jpg" if japanese and rng.random() < 0.5 else "photo.jpg"
    if not name.isascii():
        disposition = "attachment; filename*=UTF-8''%E5%86%99%E7%9C%9F.jpg"
    else:
        disposition = f'attachment; filename="{name}"'
    data = base64.encodebytes(payload).replace(b"\n", b"\r\n")
    head = (
        "Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Disposition: {disposition}\r\n\r\n"
    )
    return head.encode("ascii") + data


def _multipart(rng: random.Random, parts: list[bytes], subtype: str) -> bytes:
    boundary = f"=_b{rng.getrandbits(64):016x}"
    out = [f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'.encode()]
    out.append(b"This is a multi-part message in MIME format.\r\n")
    for part in parts:
        out.append(f"--{boundary}\r\n".encode() + part + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)
