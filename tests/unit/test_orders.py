"""Order numbers found in mail text."""

from __future__ import annotations

import pytest

from shareinbox.orders import find_order_ids


@pytest.mark.parametrize(
    ("text", "extra", "expected"),
    [
        pytest.param("注文番号: 123456-20240101-0000000001 です", (), ["123456-20240101-0000000001"], id="rakuten"),
        pytest.param("Order 249-1234567-7654321 and 249-1234567-7654321", (), ["249-1234567-7654321"], id="amazon-once"),
        pytest.param("１２３４５６－２０２４０１０１－０００００００００２", (), ["123456-20240101-0000000002"], id="full-width"),
        pytest.param("1123456-20240101-0000000001", (), [], id="longer-run-is-not-an-order"),
        pytest.param("249-1234567-76543210", (), [], id="too-long"),
        pytest.param("B: 111-2222222-3333333, A: 999999-20250101-1234567890", (), ["111-2222222-3333333", "999999-20250101-1234567890"], id="order-of-appearance"),
        pytest.param("ご注文 SHOP-00042 の件", (r"SHOP-\d{5}",), ["SHOP-00042"], id="extra-pattern"),
        pytest.param("電話 03-1234-5678", (), [], id="phone-number"),
        pytest.param("注文番号123456-20240101-0000000003の件", (), ["123456-20240101-0000000003"], id="between-kanji"),
        pytest.param("x123-4567890-1234567", (), [], id="after-a-letter"),
        pytest.param("", (), [], id="empty"),
    ],
)  # fmt: skip
def test_find_order_ids(text: str, extra: tuple[str, ...], expected: list[str]) -> None:
    assert find_order_ids(text, extra) == expected
