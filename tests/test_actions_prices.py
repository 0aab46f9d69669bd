"""action_answer_price: reference prices from the price table, or the list of what can be priced."""
from __future__ import annotations

import pytest

from actions import content
from actions.prices import ActionAnswerPrice
from tests.test_actions_content import canonical_values
from tests.test_actions_support import make_tracker, render, response_names, run_action


@pytest.fixture()
def table():
    content.clear_cache()
    return content.load_table(content.PRICES)


def ask(text, *items):
    return run_action(ActionAnswerPrice(), make_tracker(text, "ask_price", [("price_item", i) for i in items]))


def lines(message):
    return message["price_lines"].splitlines()


def test_an_item_gets_all_its_prices_and_the_note(table):
    messages, events = ask("做个CT多少钱", "CT")
    assert response_names(messages) == ["utter_price_item"] and events == []
    assert len(lines(messages[0])) == len(table["items"]["CT"]["variants"])
    assert messages[0]["price_note"] == table["note"]
    text = render(messages[0])
    assert "CT" in text and "{" not in text


def test_lowercase_values_find_the_item():
    messages, _ = ask("ct多少钱", "ct")
    assert response_names(messages) == ["utter_price_item"]


def test_a_named_body_part_narrows_the_lines():
    messages, _ = ask("头部CT多少钱", "CT")
    assert len(lines(messages[0])) == 1 and "头颅" in lines(messages[0])[0]


def test_doctor_titles_narrow_registration_fees():
    messages, _ = ask("专家号多少钱", "挂号费")
    assert [l.split(":")[0].lstrip("· ") for l in lines(messages[0])] == ["主任医师", "副主任医师"]
    messages, _ = ask("副主任医师挂号费多少", "挂号费")
    assert len(lines(messages[0])) == 1 and "副主任医师" in lines(messages[0])[0]


def test_several_items_get_several_answers():
    messages, _ = ask("CT和核磁多少钱", "CT", "核磁共振", "CT")
    assert response_names(messages) == ["utter_price_item"] * 2


def test_unknown_item_lists_what_can_be_priced(table):
    messages, events = ask("PET多少钱")
    assert response_names(messages) == ["utter_price_unknown"] and events == []
    assert messages[0]["price_items"].split(table["item_separator"]) == list(table["items"])
    assert "{" not in render(messages[0])


def test_menu_button_lists_what_can_be_priced():
    messages, _ = ask("/ask_price")
    assert response_names(messages) == ["utter_price_menu"]
    assert "{" not in render(messages[0])


def test_every_item_renders(table):
    for key in table["items"]:
        messages, _ = ask(key, key)
        assert response_names(messages) == ["utter_price_item"]
        assert "{" not in render(messages[0])


def test_vocabulary_matches_the_table(table):
    assert canonical_values("price_item") == set(table["items"])
