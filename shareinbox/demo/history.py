"""A fortnight of ordinary, answered questions for the demo (seeded random).

They give the report screen something to count: customers write at all
hours, the team answers within business hours, and closes the thread.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

PEOPLE = [
    ("田中 健太", "kenta.tanaka@example.jp"), ("伊藤 さくら", "sakura.ito@example.ne.jp"),
    ("渡辺 翔", "sho.watanabe@example.com"), ("小林 由美", "yumi.k@example.jp"),
    ("加藤 大輔", "d.kato@example.org"), ("吉田 真央", "mao.yoshida@example.jp"),
    ("山本 直樹", "naoki.yamamoto@example.com"), ("中村 愛", "ai.nakamura@example.ne.jp"),
]  # fmt: skip
TOPICS = [
    ("ラッピングについて", "プレゼント用にラッピングをお願いできますか？",
     "無料でラッピングを承っております。ご注文時の備考欄にご記入ください。", "ギフト"),
    ("代金引換の手数料", "代引きの手数料はいくらですか？",
     "代金引換の手数料は一律330円（税込）です。", "支払い"),
    ("ポイントの付与について", "前回の購入分のポイントがまだ付与されていません。",
     "ポイントは商品発送の翌月に付与されます。今しばらくお待ちください。", "ポイント"),
    ("請求書払いはできますか", "法人で購入したいのですが、請求書払いは可能でしょうか。",
     "法人様の請求書払いに対応しております。会社名とご担当者様のお名前をお知らせください。", "支払い"),
    ("北海道への送料", "北海道への送料はいくらになりますか？",
     "北海道への送料は990円です。5,000円以上のご購入で送料無料となります。", "配送"),
    ("のし紙の対応", "内祝い用にのし紙をつけていただけますか？",
     "のし紙は無料で承ります。表書きとお名前をお知らせください。", "ギフト"),
    ("注文のキャンセル", "昨日注文した商品をキャンセルしたいです。",
     "ご注文をキャンセルいたしました。またのご利用をお待ちしております。", "キャンセル"),
    ("配達時間の指定", "夜の時間帯に配達していただけますか？",
     "19時から21時の時間帯指定が可能です。ご注文時にご指定ください。", "配送"),
]  # fmt: skip
ROLES = ("admin", "supervisor", "trainee")
COUNT = 14


def _reply_time(received: int, rng: random.Random) -> tuple[int, int]:
    """(days later, minute of day) of the answer to mail at minute `received`."""
    answer = received + rng.randint(15, 240)
    if 9 * 60 <= answer < 18 * 60 and received >= 9 * 60:
        return 0, answer
    if received < 9 * 60:
        return 0, 9 * 60 + rng.randint(5, 90)
    return 1, 9 * 60 + rng.randint(5, 90)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def ordinary_threads(
    rng: random.Random, today: date
) -> list[tuple[str, tuple[str, str], str, str, list[Any]]]:
    """Answered and closed threads of the last two weeks, in the script's format."""
    threads = []
    # Distinct (person, topic) pairs: the same question twice from one person
    # would thread into one conversation.
    pairs = rng.sample([(p, t) for p in PEOPLE for t in TOPICS], COUNT)
    for n, (person, (subject, question, answer, tag)) in enumerate(pairs):
        days = rng.randint(2, 13)
        received = rng.randint(7 * 60, 23 * 60 - 1)
        later, reply = _reply_time(received, rng)
        role = rng.choice(ROLES)
        weekday = (today - timedelta(days=days)).weekday()
        charset = "iso-2022-jp" if (n + weekday) % 3 == 0 else "utf-8"
        steps = [
            ("in", (days, _hhmm(received)), f"{question}\n\n{person[0]}"),
            ("out", (days - later, _hhmm(reply)), role,
             f"{person[0]} 様\n\nお問い合わせありがとうございます。\n{answer}"),
            ("status", (days - later, _hhmm(reply + 3)), role, "done"),
            ("tags", [tag]),
        ]  # fmt: skip
        threads.append((f"ordinary-{n}", person, subject, charset, steps))
    return threads
