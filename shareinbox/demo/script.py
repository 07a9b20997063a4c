"""What happens in the demo shop 〇〇ショップ: customers, their mail, the team.

Plain data read by `shareinbox.demo.sample`. A step's time is either
``(days_ago, "HH:MM")`` in the shop's time zone (earlier days) or
``(0, -minutes)``: that many minutes before the demo starts, or
``("workday", n, "HH:MM")``: on the n-th weekday before today (so the
unanswered mail is overdue in business time whenever the demo runs). Staff are named
by role: ``admin`` (the person running the demo), ``supervisor``,
``trainee`` (replies need approval). ``{rakuten}`` and ``{amazon}`` in a
text become the customer's order numbers.
"""

from __future__ import annotations

from typing import Any

When = tuple[int | str, ...]
Step = tuple[Any, ...]

CUSTOMERS: dict[str, tuple[str, str]] = {
    "yamada": ("山田 太郎", "yamada.taro@example.jp"),
    "sato": ("佐藤 花子", "3f9a1c7e2b@pc.fw.rakuten.ne.jp"),  # Rakuten buyer (masked)
    "suzuki": ("鈴木 一郎", "ichiro.suzuki@example.ne.jp"),
    "takahashi": ("高橋 美咲", "misaki.takahashi@example.com"),
    "smith": ("John Smith", "john.smith@example.com"),
    "phish": ("Amazon.co.jp", "security@amaz0n-account.example"),
}

SIGNATURE = "\n--\n〇〇ショップ カスタマーサポート\nsupport@example-shop.jp / 03-0000-0000（平日 9:00〜18:00）\n"

# (key, customer, subject, charset, steps); steps in time order:
#   ("in", when, body [, extra headers])   the customer writes
#   ("out", when, role, body)              a reply from the team
#   ("status", when, role, status [, reason, until_days])
#   ("assign", when, role, assignee_role)  ("note", when, role, text)
#   ("memo", when, role, text, phone)      ("tags", [...]) ("category", name)
#   ("draft", when, role, body)            a reply awaiting approval
THREADS: list[tuple[str, str, str, str, list[Step]]] = [
    (
        "yamada-delivery",
        "yamada",
        "注文した商品がまだ届きません",
        "iso-2022-jp",
        [
            (
                "in",
                (6, "10:12"),
                "〇〇ショップ ご担当者様\n\n5日前に注文したマグカップ（ネイビー）がまだ届きません。\n注文番号は {rakuten} です。\n発送状況を教えていただけますか。\n\n山田 太郎",
            ),
            ("assign", (6, "10:30"), "supervisor", "admin"),
            (
                "out",
                (6, "11:05"),
                "admin",
                "山田 太郎 様\n\nお問い合わせありがとうございます。\nご注文の商品は昨日ヤマト運輸にて発送済みです。\n追跡番号：4470-1234-5678\n明日中にお届けの予定です。",
            ),
            ("in", (5, "19:40"), "無事に届きました。ありがとうございました。"),
            ("status", (4, "09:10"), "admin", "done"),
            ("tags", ["配送"]),
            ("category", "配送"),
        ],
    ),
    (
        "yamada-exchange",
        "yamada",
        "サイズ交換のお願い",
        "iso-2022-jp",
        [
            (
                "in",
                (3, "13:25"),
                "先日購入したTシャツのサイズがMでは小さかったので、Lに交換していただけますか。\n注文番号：{rakuten}",
            ),
            ("assign", (3, "13:40"), "supervisor", "trainee"),
            (
                "out",
                (3, "15:10"),
                "trainee",
                "山田 太郎 様\n\nサイズ交換のご依頼、承知いたしました。\nLサイズの在庫を倉庫に確認しておりますので、少々お待ちください。",
            ),
            (
                "note",
                (3, "15:12"),
                "trainee",
                "倉庫に L の在庫確認中。返送用の着払い伝票を同封すること。",
            ),
            ("status", (3, "15:13"), "trainee", "waiting", "warehouse", 2),
            ("tags", ["返品・交換"]),
            ("category", "返品・交換"),
        ],
    ),
    (
        "yamada-receipt",
        "yamada",
        "領収書の発行について",
        "utf-8",
        [
            (
                "in",
                (0, -25),
                "会社の経費で購入したため、宛名を「株式会社ヤマダ商事」で領収書を発行していただけますか。\n注文番号：{rakuten}",
            ),
        ],
    ),
    (
        "sato-delivery-date",
        "sato",
        "[楽天市場] お届け日の変更について",
        "iso-2022-jp",
        [
            (
                "in",
                (4, "21:03"),
                "注文番号 {rakuten} のお届け日を、週末（土曜日の午前中）に変更できますか。\n平日は不在にしております。\n\n佐藤",
            ),
            (
                "out",
                (3, "09:35"),
                "supervisor",
                "佐藤 花子 様\n\nお届け日を土曜日の午前中に変更いたしました。\nご不明な点がございましたらお気軽にお問い合わせください。",
            ),
            ("status", (3, "09:36"), "supervisor", "done"),
            ("tags", ["配送", "楽天"]),
            ("category", "配送"),
        ],
    ),
    (
        "sato-gift",
        "sato",
        "[楽天市場] ギフト包装の追加",
        "iso-2022-jp",
        [
            (
                "in",
                (0, -130),
                "注文番号 {rakuten} の商品を、母へのプレゼントにしたいのでギフト包装をお願いできますか。\nメッセージカードには「いつもありがとう」と書いてください。",
            ),
            ("assign", (0, -120), "supervisor", "trainee"),
            ("status", (0, -119), "trainee", "open"),
            (
                "memo",
                (0, -90),
                "trainee",
                "佐藤様よりお電話。包装紙は赤系でとのこと。メールの件と同じ。",
                "090-1234-5678",
            ),
            (
                "draft",
                (0, -60),
                "trainee",
                "佐藤 花子 様\n\nギフト包装とメッセージカード（「いつもありがとう」）を承りました。\n包装紙は赤系でご用意いたします。\n包装料金 330円 は当店で負担いたします。",
            ),
            ("tags", ["ギフト", "楽天"]),
            ("category", "ギフト"),
        ],
    ),
    (
        "suzuki-damaged",
        "suzuki",
        "商品に傷がありました",
        "utf-8",
        [
            (
                "in",
                ("workday", 2, "11:48"),
                "Amazonで注文した木製トレイ（注文番号 {amazon}）の角に傷がありました。\n写真を添付します。返金か交換をお願いします。",
                "photo",
            ),
            ("assign", ("workday", 2, "12:00"), "supervisor", "supervisor"),
            (
                "out",
                ("workday", 2, "13:20"),
                "supervisor",
                "鈴木 一郎 様\n\nこの度はご迷惑をおかけし、誠に申し訳ございません。\n写真を確認いたしました。全額返金の手続きを進めます。\n返金の完了まで 3〜5 営業日ほどお待ちください。",
            ),
            (
                "note",
                ("workday", 2, "13:25"),
                "supervisor",
                "Amazon セラーセントラルで返金申請済み。承認待ち。",
            ),
            ("status", ("workday", 2, "13:26"), "supervisor", "waiting", "refund", 1),
            ("tags", ["返品・交換", "Amazon"]),
            ("category", "返品・交換"),
        ],
    ),
    (
        "suzuki-refund",
        "suzuki",
        "至急：返金はいつになりますか",
        "utf-8",
        [
            (
                "in",
                ("workday", 1, "10:05"),
                "先日の件（注文番号 {amazon}）、返金はいつ頃になりますか。\nカードの明細にまだ反映されていません。至急ご確認ください。",
            ),
            ("tags", ["Amazon"]),
        ],
    ),
    (
        "takahashi-restock",
        "takahashi",
        "再入荷の予定はありますか",
        "utf-8",
        [
            (
                "in",
                (8, "16:02"),
                "ハンドタオル（桜柄）は再入荷の予定がありますか？\n入荷したら購入したいです。",
            ),
            (
                "out",
                (8, "16:45"),
                "admin",
                "高橋 美咲 様\n\nお問い合わせありがとうございます。\n桜柄のハンドタオルは来月上旬に再入荷の予定です。\n入荷の際はメールでお知らせいたします。",
            ),
            ("status", (8, "16:46"), "admin", "done"),
            ("category", "在庫"),
        ],
    ),
    (
        "takahashi-size",
        "takahashi",
        "サイズの相談",
        "utf-8",
        [
            (
                "in",
                (0, -70),
                "身長158cmなのですが、ワンピースはSとMのどちらがおすすめですか？\n着丈が長めのものを探しています。",
            ),
            ("assign", (0, -65), "supervisor", "supervisor"),
            ("status", (0, -64), "supervisor", "open"),
            ("category", "商品"),
        ],
    ),
    (
        "smith-shipping",
        "smith",
        "Do you ship to the United States?",
        "utf-8",
        [
            (
                "in",
                (0, -40),
                "Hello,\n\nI love your ceramic mugs. Do you ship to the United States,\nand how much would shipping cost for two mugs?\n\nBest regards,\nJohn Smith",
            ),
            ("tags", ["English"]),
        ],
    ),
    (
        "phish",
        "phish",
        "【重要】アカウントが一時停止されました",
        "utf-8",
        [
            (
                "in",
                (1, "03:14"),
                "お客様のアカウントで不審なログインがありました。\n24時間以内に下記URLから確認しない場合、アカウントは停止されます。\nhttp://amaz0n-account.example/verify",
                "spam",
            ),
            ("status", (1, "09:02"), "supervisor", "spam"),
        ],
    ),
]
