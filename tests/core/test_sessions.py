"""Only sessions the server issued continue; anything else starts a new conversation."""

from __future__ import annotations

from core.button_payloads import ButtonPayloads
from core.sessions import SessionTokens

SECRET = b"0123456789abcdef0123456789abcdef"


def test_an_issued_session_continues() -> None:
    sessions = SessionTokens(SECRET)
    token = sessions.issue()

    assert sessions.issued(token)
    assert sessions.continue_or_issue(token) == token


def test_sessions_are_unguessable_and_distinct() -> None:
    sessions = SessionTokens(SECRET)
    tokens = {sessions.issue() for _ in range(1000)}

    assert len(tokens) == 1000
    assert all(len(t) > 30 for t in tokens)


def test_ids_the_server_did_not_issue_start_anew() -> None:
    sessions = SessionTokens(SECRET)
    token = sessions.issue()
    body, _, signature = token.removeprefix("s1.").partition(".")
    forged = f"s1.{body[:-1]}{'A' if body[-1] != 'A' else 'B'}.{signature}"

    for candidate in [None, "", "a", "web-1234", forged, SessionTokens(b"x" * 32).issue()]:
        issued = sessions.continue_or_issue(candidate)
        assert issued != candidate
        assert sessions.issued(issued)


def test_a_button_token_is_not_a_session() -> None:
    assert not SessionTokens(SECRET).issued(ButtonPayloads(SECRET).issue("s"))
