"""E-mail connector against fake IMAP and SMTP servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError
from tests.ingest.fakes.imap_server import PASSWORD, USER, FakeImapServer
from tests.ingest.fakes.smtp_server import PASSWORD as SMTP_PASSWORD
from tests.ingest.fakes.smtp_server import FakeSmtpServer

from hearth.ingest.connectors.base import (
    AuthExpiredError,
    DeliveryOutcome,
    FetchRequest,
    PermanentNetworkError,
    TransientNetworkError,
)
from hearth.ingest.connectors.email import EmailConnector, EmailSettings, reply_message_id
from hearth.ingest.connectors.email.quotes import strip_quoted
from hearth.ingest.connectors.registry import get_connector_class
from hearth.ingest.schemas import MentionIn

FIXTURES = Path(__file__).parents[2] / "src/hearth/ingest/connectors/email/fixtures"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def imap() -> Iterator[FakeImapServer]:
    with FakeImapServer() as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[FakeSmtpServer]:
    with FakeSmtpServer() as server:
        yield server


def settings_for(imap: FakeImapServer, smtp: FakeSmtpServer | None = None, **kw) -> EmailSettings:
    values = {
        "address": "support@fornorosso.example",
        "display_name": "Forno Rosso Support",
        "username": USER,
        "password": PASSWORD,
        "imap_host": imap.host,
        "imap_port": imap.port,
        "imap_security": "plain",
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port if smtp else 1,
        "smtp_security": "plain",
        "smtp_password": SMTP_PASSWORD,
        "timeout_seconds": 1.0,
        **kw,
    }
    return EmailSettings(**values)


def connector(imap: FakeImapServer, smtp: FakeSmtpServer | None = None, **kw) -> EmailConnector:
    return EmailConnector(settings_for(imap, smtp, **kw), clock=lambda: NOW)


def eml(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fetch_one(imap: FakeImapServer, name: str) -> MentionIn:
    imap.deliver(eml(name))
    (item,) = connector(imap).fetch(FetchRequest(), {}).items
    return item


# --- payload shapes ---------------------------------------------------------------------------


def test_plain_mail_becomes_an_email_mention(imap):
    item = fetch_one(imap, "plain_utf8.eml")
    assert (item.platform, item.kind) == ("email", "email")
    assert item.external_id == "CAF3x9q-order4471@mail.example"
    assert item.author.platform_user_id == "lena.fischer@mail.example"
    assert item.author.display_name == "Lena Fischer"
    assert item.title == "Missing order #4471"
    assert "never arrived — I waited 90 minutes" in item.text
    assert item.created_at == datetime(2026, 11, 25, 18, 2, 5, tzinfo=UTC)
    assert item.lang_hint == "en" and item.parent_external_id is None


def test_quoted_printable_latin1_reply_is_threaded_and_french_tail_dropped(imap):
    item = fetch_one(imap, "alternative_qp.eml")
    assert (
        item.text
        == "Merci pour la réponse rapide, mais je n'ai toujours pas reçu le remboursement."
    )
    assert item.parent_external_id == "hearth.reply-1@fornorosso.example"
    assert item.author.display_name == "André Façon"
    assert item.title == "Re: Commande remboursée ?"


def test_html_only_mail_becomes_text_without_the_quoted_part(imap):
    item = fetch_one(imap, "html_only_base64.eml")
    assert item.text == "Your new crust is amazing & the staff in Leeds were lovely!"
    assert item.parent_external_id == "newsletter-2026-11@fornorosso.example"


def test_references_only_threads_to_the_last_reference(imap):
    item = fetch_one(imap, "references_only_outlook.eml")
    assert item.parent_external_id == "hearth.quote-9@fornorosso.example"
    assert item.text == "Bonjour, pouvez-vous m'envoyer la facture au nom de la société ?"
    assert item.author.display_name == "Joël Martin"
    assert item.title == "RE: Facture – commande d'événement"


def test_mixed_mail_prefers_plain_part_and_drops_quotes_and_signature(imap):
    item = fetch_one(imap, "mixed_attachment.eml")
    assert item.text == "The pizza was burnt, receipt attached.\nSecond line of mine."


def test_unknown_charset_degrades_instead_of_failing(imap):
    assert fetch_one(imap, "unknown_charset.eml").text == "Café was cold."


def test_mail_without_message_id_gets_a_stable_id_and_fetch_time(imap):
    item = fetch_one(imap, "no_message_id.eml")
    (again,) = connector(imap).fetch(FetchRequest(), {}).items  # a re-read maps to the same row
    assert item.external_id.startswith("sha256-") and item.external_id.endswith("@hearth.invalid")
    assert again.external_id == item.external_id and item.created_at == NOW


def test_charset_name_with_a_nul_byte_does_not_stop_the_mailbox(imap):
    hostile = eml("plain_utf8.eml").replace(b"charset=utf-8", b'charset="utf\x00-8"')
    imap.deliver(hostile.replace(b"order4471@", b"hostile@"))
    imap.deliver(eml("flowed.eml"))
    result = connector(imap).fetch(FetchRequest(), {})
    assert [i.external_id for i in result.items] == [
        "CAF3x9q-hostile@mail.example",
        "flowed-1@mail.example",
    ]
    assert "never arrived" in result.items[0].text


def test_format_flowed_lines_are_rejoined(imap):
    item = fetch_one(imap, "flowed.eml")
    assert item.text == "This sentence was wrapped by my mail client into two lines."


def test_auto_reply_is_marked(imap):
    assert fetch_one(imap, "auto_reply.eml").raw["auto_submitted"] is True


def test_uid_after_body_literal_is_understood(imap):
    imap.uid_after_literal = True
    assert fetch_one(imap, "plain_utf8.eml").external_id == "CAF3x9q-order4471@mail.example"


# --- quote stripping ----------------------------------------------------------------------------


def test_interleaved_reply_keeps_own_lines():
    text = "> Did it arrive?\nNo, it did not.\n> Which store?\nLeeds."
    assert strip_quoted(text) == "No, it did not.\nLeeds."


def test_wrapped_english_attribution_is_cut():
    text = (
        "Thanks!\n\nOn Mon, 23 Nov 2026 at 10:00, Forno Rosso <support@\n"
        "fornorosso.example> wrote:\n> hi"
    )
    assert strip_quoted(text) == "Thanks!"


def test_mail_that_is_only_a_quote_is_kept_whole():
    assert strip_quoted("> forwarded text only") == "> forwarded text only"


# --- cursor -----------------------------------------------------------------------------------


def test_cursor_reads_only_new_mail(imap):
    c = connector(imap)
    imap.deliver(eml("plain_utf8.eml"))
    first = c.fetch(FetchRequest(), {})
    imap.deliver(eml("flowed.eml"))
    second = c.fetch(FetchRequest(), first.cursor)
    assert [i.external_id for i in second.items] == ["flowed-1@mail.example"]
    assert second.cursor == {"mailbox": "INBOX", "uidvalidity": 1_700_000_000, "last_uid": 2}
    assert c.fetch(FetchRequest(), second.cursor).items == []


def test_changed_uidvalidity_rereads_the_mailbox(imap):
    c = connector(imap)
    imap.deliver(eml("plain_utf8.eml"))
    imap.deliver(eml("flowed.eml"))
    first = c.fetch(FetchRequest(), {})
    imap.renumber()
    again = c.fetch(FetchRequest(), first.cursor)
    assert len(again.items) == 2 and again.cursor["uidvalidity"] == 1_700_000_001


def test_limit_leaves_the_rest_for_the_next_fetch(imap):
    for name in ("plain_utf8.eml", "flowed.eml", "auto_reply.eml"):
        imap.deliver(eml(name))
    c = connector(imap)
    first = c.fetch(FetchRequest(limit=2), {})
    second = c.fetch(FetchRequest(limit=2), first.cursor)
    assert (len(first.items), first.has_more) == (2, True)
    assert (len(second.items), second.has_more) == (1, False)


def test_first_fetch_with_since_searches_by_date(imap):
    imap.deliver(eml("plain_utf8.eml"), received=datetime(2026, 11, 1, tzinfo=UTC))
    imap.deliver(eml("flowed.eml"), received=datetime(2026, 11, 25, tzinfo=UTC))
    since = datetime(2026, 11, 20, tzinfo=UTC)
    result = connector(imap).fetch(FetchRequest(since=since), {})
    assert [i.external_id for i in result.items] == ["flowed-1@mail.example"]
    assert "UID SEARCH SINCE 20-Nov-2026" in imap.commands


def test_mailbox_is_read_without_marking_mail_seen(imap):
    fetch_one(imap, "plain_utf8.eml")
    assert imap.commands_named("EXAMINE") and not imap.commands_named("SELECT")
    assert any("BODY.PEEK[]" in c for c in imap.commands_named("UID FETCH"))


# --- faults -------------------------------------------------------------------------------------


def test_oversized_mail_is_rejected_and_others_kept(imap):
    imap.deliver(eml("plain_utf8.eml"))
    imap.deliver(eml("flowed.eml").replace(b"two lines.", b"x" * 20_000))
    result = connector(imap, max_message_bytes=10_000).fetch(FetchRequest(), {})
    assert [i.external_id for i in result.items] == ["CAF3x9q-order4471@mail.example"]
    (rejected,) = result.rejected
    assert rejected.reason.startswith("uid 2: message is") and "limit is 10000" in rejected.reason
    assert result.cursor["last_uid"] == 2  # not retried forever


def test_refused_login_asks_for_new_credentials(imap):
    with pytest.raises(AuthExpiredError, match="refused the login"):
        connector(imap, password="wrong").fetch(FetchRequest(), {})


def test_silent_server_is_a_transient_error(imap):
    imap.deliver(eml("plain_utf8.eml"))
    imap.hang_on = "UID FETCH"
    with pytest.raises(TransientNetworkError, match="did not answer in time"):
        connector(imap, timeout_seconds=0.5).fetch(FetchRequest(), {})


def test_missing_mailbox_is_a_permanent_error(imap):
    with pytest.raises(PermanentNetworkError, match="mailbox 'Support'"):
        connector(imap, mailbox="Support").fetch(FetchRequest(), {})


def test_unreachable_server_is_a_transient_error(imap):
    settings = settings_for(imap, imap_port=1)
    with pytest.raises(TransientNetworkError, match="unreachable"):
        EmailConnector(settings).fetch(FetchRequest(), {})


# --- replies ------------------------------------------------------------------------------------


def test_reply_is_threaded_and_addressed_to_the_sender(imap, smtp):
    imap.deliver(eml("alternative_qp.eml"))
    c = connector(imap, smtp)
    delivery = c.reply(
        "5f2a.andre@courriel.example", "Le remboursement part ce soir.", idempotency_key="k-1"
    )
    (sent,) = smtp.received
    msg = sent.message()
    assert delivery.outcome == DeliveryOutcome.SENT
    assert sent.rcpt_to == ("andre.facon@courriel.example",)
    assert msg["In-Reply-To"] == "<5f2a.andre@courriel.example>"
    assert msg["References"].split() == [
        "<CAF3x9q-first@courriel.example>",
        "<hearth.reply-1@fornorosso.example>",
        "<5f2a.andre@courriel.example>",
    ]
    assert msg["Subject"] == "Re: Commande remboursée ?"
    assert msg.get_content().strip() == "Le remboursement part ce soir."


def test_retried_reply_carries_the_same_message_id(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    c = connector(imap, smtp)
    first = c.reply("CAF3x9q-order4471@mail.example", "Sorry!", idempotency_key="delivery-42")
    second = c.reply("CAF3x9q-order4471@mail.example", "Sorry!", idempotency_key="delivery-42")
    ids = [r.message()["Message-ID"].strip() for r in smtp.received]
    expected = reply_message_id("delivery-42", "fornorosso.example")
    assert ids == [f"<{expected}>"] * 2
    assert first.external_id == second.external_id == expected
    assert smtp.received[0].message()["Subject"] == "Re: Missing order #4471"


def test_timeout_after_the_message_was_handed_over_is_unknown(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    smtp.hang_after_data = True
    delivery = connector(imap, smtp, timeout_seconds=0.5).reply(
        "CAF3x9q-order4471@mail.example", "Hi", idempotency_key="k"
    )
    assert delivery.outcome == DeliveryOutcome.UNKNOWN
    assert delivery.external_id == reply_message_id("k", "fornorosso.example")


def test_refused_recipient_is_a_failed_delivery(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    smtp.refuse_recipients.add("lena.fischer@mail.example")
    delivery = connector(imap, smtp).reply(
        "CAF3x9q-order4471@mail.example", "Hi", idempotency_key="k"
    )
    assert delivery.outcome == DeliveryOutcome.FAILED and "no such user" in delivery.error
    assert smtp.received == []


def test_refused_message_is_a_failed_delivery(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    smtp.refuse_data = True
    delivery = connector(imap, smtp).reply(
        "CAF3x9q-order4471@mail.example", "Hi", idempotency_key="k"
    )
    assert delivery.outcome == DeliveryOutcome.FAILED and "554" in delivery.error


def test_refused_smtp_login_asks_for_new_credentials(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    c = connector(imap, smtp, smtp_password="wrong")
    with pytest.raises(AuthExpiredError):
        c.reply("CAF3x9q-order4471@mail.example", "Hi", idempotency_key="k")


def test_reply_to_a_mail_no_longer_in_the_mailbox_fails_cleanly(imap, smtp):
    delivery = connector(imap, smtp).reply("gone@mail.example", "Hi", idempotency_key="k")
    assert delivery.outcome == DeliveryOutcome.FAILED and "no longer in INBOX" in delivery.error


def test_find_delivery_finds_the_reply_in_sent(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    c = connector(imap, smtp)
    c.reply("CAF3x9q-order4471@mail.example", "Sorry!", idempotency_key="d-7")
    assert c.find_delivery("d-7") is None  # the provider has not filed it yet
    imap.deliver(smtp.received[0].data, mailbox="Sent")
    found = c.find_delivery("d-7")
    assert found is not None and found.outcome == DeliveryOutcome.SENT


# --- settings, connection check, registry -----------------------------------------------------


def test_test_connection_reports_mailbox_and_smtp(imap, smtp):
    imap.deliver(eml("plain_utf8.eml"))
    check = connector(imap, smtp).test_connection()
    assert check.ok and "INBOX (1 messages)" in check.message


def test_test_connection_reports_a_bad_password_in_plain_words(imap, smtp):
    check = connector(imap, smtp, password="nope").test_connection()
    assert not check.ok and "refused the login" in check.message


def test_unencrypted_connection_to_a_remote_host_is_refused(imap):
    with pytest.raises(ValidationError, match="only allowed to this machine"):
        settings_for(imap, imap_host="imap.example.com")


def test_registered_as_email():
    assert get_connector_class("email") is EmailConnector


# --- a sender-chosen Message-ID cannot overwrite or hide another mail --------------------------


def _mail(message_id: str, sender: str, body: str, subject: str = "My order") -> bytes:
    return (f"Message-ID: <{message_id}>\r\nFrom: {sender}\r\n"
            f"To: support@fornorosso.example\r\nSubject: {subject}\r\n"
            f"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n{body}\r\n").encode()


def _store_fetched(session, workspace_id: str, items: list[MentionIn]):
    from hearth.ingest.persist import store_incoming
    from hearth.ingest.store import Incoming

    return store_incoming(session, [Incoming(workspace_id, item, {}) for item in items], steps=[])


def _stored(session) -> dict[str, str]:
    from sqlalchemy import select

    from hearth.models import Mention

    return {m.external_id: m.text for m in session.scalars(select(Mention))}


@pytest.fixture
def workspace_id(session) -> str:
    from tests.factories import make_user, make_workspace

    workspace = make_workspace(session, "Forno Rosso", make_user(session, "owner@example.com"))
    session.flush()
    return workspace.id


def test_reused_message_id_is_stored_apart_and_overwrites_nothing(imap, session, workspace_id):
    c = connector(imap)
    imap.deliver(_mail("order-17@customer.example", "ana@customer.example", "Where is my pizza?"))
    first = c.fetch(FetchRequest(), {})
    _store_fetched(session, workspace_id, first.items)
    imap.deliver(_mail("order-17@customer.example", "mallory@evil.example", "Refund to IBAN X"))
    second = c.fetch(FetchRequest(), first.cursor)
    _store_fetched(session, workspace_id, second.items)
    stored = _stored(session)
    assert stored["order-17@customer.example"] == "Where is my pizza?"
    (other,) = [k for k in stored if k != "order-17@customer.example"]
    assert other.startswith("order-17@customer.example ") and stored[other] == "Refund to IBAN X"


def test_a_forged_id_stored_first_does_not_swallow_the_genuine_mail(imap, session, workspace_id):
    c = connector(imap)
    imap.deliver(_mail("next@customer.example", "mallory@evil.example", "forged first"))
    imap.deliver(_mail("next@customer.example", "ana@customer.example", "the real question"))
    _store_fetched(session, workspace_id, c.fetch(FetchRequest(), {}).items)  # one batch
    assert sorted(_stored(session).values()) == ["forged first", "the real question"]


def test_refetching_the_same_mail_stays_idempotent(imap, session, workspace_id):
    c = connector(imap)
    imap.deliver(_mail("order-18@customer.example", "ana@customer.example", "Hello"))
    first = c.fetch(FetchRequest(), {})
    _store_fetched(session, workspace_id, first.items)
    imap.renumber()  # the mailbox is rebuilt: everything is read again
    again = c.fetch(FetchRequest(), first.cursor)
    result = _store_fetched(session, workspace_id, again.items)
    assert list(_stored(session)) == ["order-18@customer.example"] and result.new_keys == set()


def test_a_stranger_cannot_take_the_message_id_of_our_reply(imap):
    ours = reply_message_id("delivery-1", "fornorosso.example")
    imap.deliver(_mail(ours, "mallory@evil.example", "I am your reply"))
    (item,) = connector(imap).fetch(FetchRequest(), {}).items
    assert item.external_id != ours and item.external_id.startswith(ours + " ")
