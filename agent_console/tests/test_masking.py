"""Masking of ID numbers, mobiles, bank cards and e-mail in everything the console stores."""
from __future__ import annotations

import pytest

from console.masking import mask_text, mask_value


@pytest.mark.parametrize("raw,masked", [
    ("身份证110101199003071234", "身份证1101**********1234"),
    ("ID 11010119900307123X ok", "ID 1101**********123X ok"),
    ("手机13800000001", "手机138****0001"),
    ("电话 138-0000-0002。", "电话 138****0002。"),
    ("+86 13900000003", "+86 139****0003"),
    ("卡号6222021234567890123", "卡号6222***********0123"),
    ("mail zhang.san@example.com", "mail z***@example.com"),
    ("门诊楼3层 挂号费50元 120", "门诊楼3层 挂号费50元 120"),
    ("", ""),
])
def test_mask_text(raw: str, masked: str) -> None:
    assert mask_text(raw) == masked


def test_control_characters_limit_and_nested_values() -> None:
    assert mask_text("a\x00b\x1bc", limit=2) == "ab"
    assert mask_value({"k": ["13800000001", 3, None]}) == {"k": ["138****0001", 3, None]}
    assert mask_text("😀 emoji 和 English <script>") == "😀 emoji 和 English <script>"
