"""Masking of mobile and ID numbers, in text and in every log record."""
from __future__ import annotations

import logging

import pytest

from hospital_core.privacy import install_log_masking, mask_pii


@pytest.mark.parametrize("text, hidden, kept", [
    ("我的手机号13800138000", "13800138000", "138****8000"),
    ("电话 +86 138-0013-8000 谢谢", "0013", "138****8000"),
    ("身份证110101199003071234", "199003071234", "1101**********1234"),
    ("身份证号11010119900307123x", "1990030712", "1101**********123x"),
    ("老身份证110101900307123", "900307", "1101*******7123"),
])
def test_mask_pii_hides_the_middle(text, hidden, kept):
    masked = mask_pii(text)
    assert hidden not in masked
    assert kept in masked


@pytest.mark.parametrize("text", ["挂号费50元", "就诊卡号 12345678", "订单号 12345678901234567890123", "", "😀"])
def test_mask_pii_leaves_other_numbers(text):
    assert mask_pii(text) == text


def test_log_records_are_masked_whatever_the_handler(caplog):
    install_log_masking()
    install_log_masking()  # idempotent
    logger = logging.getLogger("rasa.core.processor")
    with caplog.at_level(logging.DEBUG, logger="rasa.core.processor"):
        logger.debug("Received user message '%s'", "我是13912345678，身份证110101199003071234")
        logger.debug(f"Received user message '手机 13912345678'")
    text = caplog.text
    assert "13912345678" not in text
    assert "199003071234" not in text
    assert text.count("139****5678") == 2


def test_numbers_after_json_unicode_escapes_are_masked():
    # Rasa 3.6 debug logs: {"parse_data_text": "\u6211\u624b\u673a\u53f713912345678 ..."}
    logged = '{"parse_data_text": "\\u53f713912345678 \\u8bc1110101199003071234"}'
    masked = mask_pii(logged)
    assert "13912345678" not in masked and "199003071234" not in masked
    assert "139****5678" in masked and "1101**********1234" in masked
    assert masked.startswith('{"parse_data_text": "\\u53f7')
