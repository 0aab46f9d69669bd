"""action_handle_fallback (one miss → menu, two in a row → hotline) and action_offer_hotline."""
from __future__ import annotations

from actions.fallback import ActionHandleFallback, ActionOfferHotline
from tests.test_actions_support import make_tracker, render, response_names, run_action, user_event

MISS = "nlu_fallback"


def run_fallback(history):
    return run_action(ActionHandleFallback(), make_tracker("???", MISS, events=history))


def test_first_miss_says_not_understood_with_menu():
    messages, events = run_fallback([])
    assert response_names(messages) == ["utter_default"] and events == []


def test_second_miss_in_a_row_offers_the_hotline():
    messages, events = run_fallback([user_event(MISS), {"event": "action", "name": "action_handle_fallback"}])
    assert response_names(messages) == ["utter_fallback_hotline"] and events == []
    assert "0123-88886666" in render(messages[0])


def test_third_miss_still_offers_the_hotline():
    messages, _ = run_fallback([user_event(MISS), user_event(MISS)])
    assert response_names(messages) == ["utter_fallback_hotline"]


def test_misses_not_in_a_row_start_over():
    messages, _ = run_fallback([user_event(MISS), user_event("faq")])
    assert response_names(messages) == ["utter_default"]


def test_a_miss_in_an_earlier_session_does_not_count():
    history = [user_event(MISS), {"event": "action", "name": "action_session_start"}, {"event": "session_started"}]
    messages, _ = run_fallback(history)
    assert response_names(messages) == ["utter_default"]


def test_a_reverted_message_does_not_count():
    history = [user_event(MISS), user_event("greet"), {"event": "rewind"}]
    messages, _ = run_fallback(history)
    assert response_names(messages) == ["utter_fallback_hotline"]


def test_request_human_gets_the_hotline_filled():
    messages, events = run_action(ActionOfferHotline(), make_tracker("转人工", "request_human"))
    assert response_names(messages) == ["utter_human_hotline"] and events == []
    text = render(messages[0])
    assert "0123-88886666" in text and "{" not in text
