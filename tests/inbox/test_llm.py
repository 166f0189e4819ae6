"""Reply drafts from an OpenAI-compatible endpoint, against a fake server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr, ValidationError
from tests.inbox.fake_llm import FakeLlm, Reply, fake_llm_server

from hearth.inbox.llm import DraftResult, LlmSettings, build_messages, draft_reply
from hearth.inbox.voice import Address, EmojiPolicy, Tone, VoiceGuide

GUIDE = VoiceGuide(
    tone=Tone.FRIENDLY,
    words_to_use=("bâtisseurs",),
    words_to_avoid=("camelote", "rembours*"),
    emoji_policy=EmojiPolicy.SPARINGLY,
    max_emoji=1,
    signature="— Léa, Briquo",
    fr_address=Address.VOUS,
)
SNIPPETS = ["Il manque des pièces : nous les expédions gratuitement sous 5 jours."]
MESSAGE = "Il manque 3 pièces dans le 4021 ! Rappelez-moi au 06 12 34 56 78 svp"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLlm]:
    with fake_llm_server() as fake:
        yield fake


@pytest.fixture()
def fake(server: FakeLlm) -> FakeLlm:
    server.script(Reply())
    server.requests.clear()
    return server


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def settings(base_url: str, **overrides: object) -> LlmSettings:
    values: dict[str, object] = {
        "base_url": base_url,
        "api_key": SecretStr("sk-test-123"),
        "model": "tiny-chat",
        "timeout": 5.0,
        "max_tokens": 200,
        "enabled": True,
    }
    values.update(overrides)
    return LlmSettings.model_validate(values)


def ask(fake: FakeLlm, http: httpx.Client, **overrides: object) -> DraftResult:
    return draft_reply(
        settings(fake.base_url, **overrides),
        MESSAGE,
        guide=GUIDE,
        context_snippets=SNIPPETS,
        lang="fr",
        http=http,
    )


# -- success and what was sent


def test_draft_comes_back_as_text(fake: FakeLlm, http: httpx.Client) -> None:
    result = ask(fake, http)
    assert result.ok and result.error is None
    assert result.text == "Bonjour ! Nous regardons cela tout de suite."
    assert not result.truncated


def test_request_carries_model_limits_and_key(fake: FakeLlm, http: httpx.Client) -> None:
    ask(fake, http)
    (received,) = fake.requests
    assert received.path == "/v1/chat/completions"
    assert received.headers["Authorization"] == "Bearer sk-test-123"
    assert received.body["model"] == "tiny-chat"
    assert received.body["max_tokens"] == 200
    assert received.body["stream"] is False


def test_system_prompt_carries_the_voice_guide_and_knowledge(
    fake: FakeLlm, http: httpx.Client
) -> None:
    ask(fake, http)
    system, user = fake.requests[0].body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    prompt = system["content"]
    assert "Tone: friendly" in prompt
    assert "Never use these words: camelote, rembours." in prompt
    assert "bâtisseurs" in prompt and "— Léa, Briquo" in prompt
    assert "« vous »" in prompt and "at most 1 emoji" in prompt
    assert "Write in French" in prompt
    assert SNIPPETS[0] in prompt


def test_customer_phone_number_is_not_sent_to_the_endpoint(
    fake: FakeLlm, http: httpx.Client
) -> None:
    ask(fake, http)
    user = fake.requests[0].body["messages"][1]["content"]
    assert "06 12 34 56 78" not in user
    assert user.startswith("Il manque 3 pièces dans le 4021 !") and "[PHONE]" in user


def test_draft_cut_at_max_tokens_is_marked_truncated(fake: FakeLlm, http: httpx.Client) -> None:
    fake.script(Reply(content="Bonjour, nous allons", finish_reason="length"))
    result = ask(fake, http)
    assert result.text == "Bonjour, nous allons" and result.truncated


def test_no_api_key_sends_no_authorization_header(fake: FakeLlm, http: httpx.Client) -> None:
    ask(fake, http, api_key=SecretStr(""))
    assert "Authorization" not in fake.requests[0].headers


# -- off by default


def test_generation_is_off_unless_enabled(fake: FakeLlm, http: httpx.Client) -> None:
    off = LlmSettings(base_url=fake.base_url, model="tiny-chat")
    result = draft_reply(off, MESSAGE, guide=GUIDE, context_snippets=[], lang="fr", http=http)
    assert result.error_code == "llm.disabled" and result.text is None
    assert fake.requests == []


# -- failures come back as plain words, never as exceptions


@pytest.mark.parametrize(
    ("reply", "code", "fragment"),
    [
        (Reply(status=429, headers={"Retry-After": "30"}), "llm.rate_limited", "30 seconds"),
        (Reply(status=429), "llm.rate_limited", "Try again later"),
        (Reply(status=500), "llm.server_error", "HTTP 500"),
        (Reply(status=503, body=b"<html>oops</html>"), "llm.server_error", "HTTP 503"),
        (Reply(status=401), "llm.unauthorized", "API key"),
        (
            Reply(status=400, body=b'{"error": {"message": "model tiny-chat not found"}}'),
            "llm.rejected",
            "model tiny-chat not found",
        ),
        (Reply(body=b"{not json"), "llm.bad_response", "unreadable"),
        (Reply(body=b'{"choices": []}'), "llm.bad_response", "no draft"),
        (Reply(body=b'{"choices": [{"message": {"content": null}}]}'), "llm.empty_draft", "empty"),
        (Reply(content="   "), "llm.empty_draft", "empty"),
    ],
)
def test_endpoint_failure_becomes_a_plain_error(
    fake: FakeLlm, http: httpx.Client, reply: Reply, code: str, fragment: str
) -> None:
    fake.script(reply)
    result = ask(fake, http)
    assert result.text is None
    assert result.error_code == code
    assert result.error is not None and fragment in result.error
    assert result.error_message("fr") != result.error


def test_slow_endpoint_times_out(fake: FakeLlm, http: httpx.Client) -> None:
    fake.script(Reply(delay=3.0))
    result = ask(fake, http, timeout=0.3)
    assert result.error_code == "llm.timeout"
    assert result.error == "The text generator did not answer within 0.3 seconds."


def test_unreachable_endpoint_is_reported(http: httpx.Client) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = draft_reply(
        settings(f"http://127.0.0.1:{port}/v1"),
        MESSAGE,
        guide=GUIDE,
        context_snippets=[],
        lang="fr",
        http=http,
    )
    assert result.error_code == "llm.unreachable"
    assert "Could not reach" in (result.error or "")


def test_empty_message_is_not_sent(fake: FakeLlm, http: httpx.Client) -> None:
    result = draft_reply(
        settings(fake.base_url), "  ", guide=GUIDE, context_snippets=[], lang="en", http=http
    )
    assert result.error_code == "llm.empty_message" and fake.requests == []


# -- settings


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("base_url", "ftp://llm.local"),
        ("base_url", "http://"),
        ("base_url", "127.0.0.1:8080/v1"),
        ("timeout", 0),
        ("max_tokens", 0),
        ("model", ""),
    ],
)
def test_bad_settings_are_refused(field: str, value: object) -> None:
    values = {"base_url": "http://127.0.0.1:9/v1", "model": "tiny-chat", field: value}
    with pytest.raises(ValidationError, match=field):
        LlmSettings.model_validate(values)


def test_api_key_never_shows_in_repr_or_dump() -> None:
    configured = settings("http://127.0.0.1:9/v1/")
    assert "sk-test-123" not in repr(configured)
    assert "sk-test-123" not in configured.model_dump_json()
    assert configured.endpoint == "http://127.0.0.1:9/v1/chat/completions"


def test_english_prompt_has_no_french_address_rule() -> None:
    system = build_messages("Where is my box?", guide=GUIDE, context_snippets=[], lang="en")[0]
    assert "Write in English" in system["content"]
    assert "vous" not in system["content"]
    assert "(none)" in system["content"]
