"""Template suggestions: tokens, learning from history, accuracy on unseen
phrasings of generated mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.replymail import sample
from bench.suggest import accuracy
from shareinbox.reply import TemplateLibrary
from shareinbox.reply.suggest import build_model, rank, suggest, tokens
from tests.reply.helpers import write_template


def test_tokens_cut_japanese_into_bigrams_and_stem_english() -> None:
    assert tokens("注文番号を確認") == ["注文", "文番", "番号", "号を", "を確", "確認"]
    assert tokens("Cancelled the ORDER, cancellation!") == ["cancel", "order", "cancel"]
    assert tokens("ＡＢＣ返品") == ["abc", "返品"]
    assert tokens("在\n> 注文番号\n＞ quoted") == ["在"]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ja", "商品が届きません\n先週注文したのにまだ届かないです。配送状況は？", "delivery-delay"),
        ("ja", "キャンセル希望\n二重注文してしまったので取り消してください", "cancellation"),
        ("ja", "領収書\n会社宛の領収書を発行してください", "receipt"),
        ("ja", "返品したい\n届いた商品が破損していました", "return-exchange"),
        ("en", "Where is my parcel?\nIt has not arrived, the tracking is stuck", "delivery-delay"),
        ("en", "Sold out\nWill the blue mug be back in stock?", "out-of-stock"),
    ],
)  # fmt: skip
def test_templates_own_words_rank_the_right_one_first(
    language: str, text: str, expected: str
) -> None:
    ranked = suggest(TemplateLibrary(language).templates(), text, limit=3)
    assert ranked[0].name == expected
    assert len(ranked) == 3
    assert ranked[0].score > ranked[1].score


def test_history_teaches_a_template_without_keywords(tmp_path: Path) -> None:
    team = tmp_path / "team"
    write_template(team / "ja", "noshi", "{{ customer.name }}様\n承りました。\n")
    write_template(team / "ja", "generic", "{{ customer.name }}様\nお問い合わせありがとうございます。\n")  # fmt: skip
    templates = TemplateLibrary("ja", team, use_shipped=False).templates()
    mail = "お祝い用に熨斗をつけてもらえますか。表書きは御祝です。"
    assert rank(build_model(templates), mail)[0].name == "generic"
    history = [
        ("熨斗をお願いします。表書きは内祝で。", "noshi"),
        ("のし紙をつけてください。御祝でお願いします。", "noshi"),
        ("商品について質問です。", "generic"),
        ("熨斗の件", "no-such-template"),  # ignored
    ]
    model = build_model(templates, history)
    assert model.examples == {"noshi": 2, "generic": 1}
    assert rank(model, mail)[0].name == "noshi"


def test_a_mail_sharing_no_word_ranks_by_name() -> None:
    ranked = suggest(TemplateLibrary("en").templates(), "zzzz qqqq", limit=9)
    assert [s.score for s in ranked] == [0.0] * 9
    assert [s.name for s in ranked] == sorted(s.name for s in ranked)


@pytest.mark.parametrize(("language", "floor"), [("ja", 0.8), ("en", 0.85)])
def test_top3_accuracy_on_unseen_phrasings(language: str, floor: float) -> None:
    train = sample(7, 1000, "train")
    test = sample(7, 400, "test")
    assert {m.template for m in test} == {
        t.name for t in TemplateLibrary("ja").templates()
    }
    assert not {m.body for m in train} & {m.body for m in test}
    assert accuracy(train, test, language, 3) >= floor
    assert accuracy(train, test, language, 1) >= floor - 0.3
