"""Generated customer mail, labelled with the reply template that answers it.

Used to measure the template suggestions: `sample(seed, count, part)` makes
mails whose core sentences and subjects come from the ``train`` two thirds
or the held-back ``test`` third of `bench.replyphrases`, so a model trained
on one part is measured on phrasings it never saw. Mails mix greetings,
self-introductions, order numbers, unrelated remarks, a sentence about
another topic now and then, and a quoted earlier reply, in Japanese and
English. The output is deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.replyphrases import EN, JA, Phrases

_JA_WORDS = {
    "item": ("ニットセーター", "マグカップ", "トートバッグ", "ワンピース", "スニーカー",
             "電気ケトル", "ハンドクリーム", "腕時計", "リネンシャツ"),
    "size": ("S", "M", "L", "XL", "24.5cm", "Mサイズ", "フリーサイズ"),
    "colour": ("ネイビー", "ベージュ", "ブラック", "ホワイト", "グリーン", "赤"),
    "date": ("3月2日", "先週の金曜日", "12月1日", "5日前", "月曜日"),
}  # fmt: skip
_EN_WORDS = {
    "item": ("wool jumper", "mug", "tote bag", "dress", "pair of trainers", "kettle",
             "hand cream", "watch", "linen shirt"),
    "size": ("S", "M", "L", "XL", "UK 6", "42"),
    "colour": ("navy", "beige", "black", "white", "green", "red"),
    "date": ("2 March", "last Friday", "1 December", "five days ago", "Monday"),
}  # fmt: skip
_JA_OPEN = ("お世話になっております。", "いつも利用させていただいております。",
            "初めてご連絡いたします。", "こんにちは。", "")  # fmt: skip
_JA_SELF = ("{name}と申します。", "{name}です。", "")
_JA_EXTRA = ("急ぎではありませんので、お手すきの際にご返信ください。",
             "前回の買い物ではお世話になりました。",
             "平日の日中は仕事のため電話に出られません。",
             "いつも素敵な商品をありがとうございます。", "", "")  # fmt: skip
_JA_CLOSE = ("よろしくお願いいたします。", "お手数ですがよろしくお願いします。",
             "ご確認のほどよろしくお願い申し上げます。", "宜しくお願い致します。")  # fmt: skip
_JA_NAMES = (
    "山田 太郎",
    "佐々木 恵",
    "高橋 健",
    "伊藤 由美",
    "渡辺 翔太",
    "中村 さくら",
)
_EN_OPEN = ("Hello,", "Hi there,", "Dear team,", "Good morning,", "")
_EN_SELF = ("My name is {name}.", "This is {name}.", "")
_EN_EXTRA = ("No rush, whenever you have a moment.", "I have bought from you before.",
             "I cannot take calls during working hours.", "I love your shop.", "", "")  # fmt: skip
_EN_CLOSE = ("Thanks,", "Many thanks,", "Best regards,", "Kind regards,", "Cheers,")
_EN_NAMES = ("Emma Clark", "Oliver Brown", "Sofia Rossi", "Liam Walsh", "Mia Chen")


@dataclass(frozen=True)
class SampleMail:
    """A customer mail and the template that answers it."""

    subject: str
    body: str
    template: str
    language: str

    @property
    def text(self) -> str:
        """Subject and body, as the suggestions read a mail."""
        return f"{self.subject}\n{self.body}"


def _split(values: tuple[str, ...], part: str) -> tuple[str, ...]:
    cut = len(values) - len(values) // 3
    return values[:cut] if part == "train" else values[cut:]


def _fill(rng: random.Random, text: str, words: dict[str, tuple[str, ...]]) -> str:
    order = f"{rng.randint(100000, 999999)}-2026{rng.randint(1001, 1228)}-{rng.randint(10**9, 10**10 - 1)}"
    values = {k: rng.choice(v) for k, v in words.items()}
    return text.format(order=order, **values)


def _mail(rng: random.Random, name: str, language: str, part: str) -> SampleMail:
    ja = language == "ja"
    phrases: Phrases = JA if ja else EN
    words = _JA_WORDS if ja else _EN_WORDS
    subjects, sentences = (_split(v, part) for v in phrases[name])
    core = rng.sample(sentences, k=min(len(sentences), rng.choice((1, 1, 2))))
    other = rng.choice([n for n in phrases if n != name])
    if rng.random() < 0.15:  # a passing remark about another topic
        core.append(rng.choice(_split(phrases[other][1], part)))
    who = rng.choice(_JA_NAMES if ja else _EN_NAMES)
    parts = [
        rng.choice(_JA_OPEN if ja else _EN_OPEN),
        rng.choice(_JA_SELF if ja else _EN_SELF).format(name=who),
        *(_fill(rng, s, words) for s in core),
        rng.choice(_JA_EXTRA if ja else _EN_EXTRA),
    ]
    if rng.random() < 0.3:
        parts.append(_fill(rng, "注文番号：{order}" if ja else "Order: {order}", words))
    parts += [rng.choice(_JA_CLOSE if ja else _EN_CLOSE), who]
    if rng.random() < 0.2:  # the shop's earlier answer, quoted below
        parts += ["", "> いつもご利用いただきありがとうございます。" if ja
                  else "> Thank you for shopping with us.", "> 発送いたしました。"]  # fmt: skip
    body = "\n".join(p for p in parts if p)
    subject = _fill(rng, rng.choice(subjects), words)
    if rng.random() < 0.2:
        subject = f"Re: {subject}"
    return SampleMail(subject, body, name, language)


def sample(
    seed: int,
    count: int,
    part: str,
    languages: tuple[str, ...] = ("ja", "en"),
) -> list[SampleMail]:
    """`count` labelled mails from the ``train`` or held-back ``test`` phrasings."""
    if part not in ("train", "test"):
        raise ValueError("part is 'train' or 'test'")
    rng = random.Random(f"{seed}-{part}")
    names = sorted(JA)
    return [
        _mail(rng, rng.choice(names), rng.choice(languages), part) for _ in range(count)
    ]
