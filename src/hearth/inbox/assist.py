"""Helping the agent write: the brand-voice check on drafts and suggested answers from the
workspace's knowledge base (FAQ entries and past replies marked good)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission
from hearth.inbox import suggest
from hearth.inbox.voice import NETWORK_LIMITS, VoiceGuide, VoiceWarning, check_draft
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.kit.netguard import OutboundPolicy, check_url, default_policy
from hearth.kit.time import utcnow
from hearth.models import Mention, Workspace
from hearth.models.inbox import Conversation, KnowledgeItem, OutboundReply

PRIVATE_KINDS = ("dm", "email")


def guide_of(workspace: Workspace) -> VoiceGuide:
    raw = (workspace.settings or {}).get("voice")
    return VoiceGuide.from_dict(raw) if raw else VoiceGuide()


def check_reply_text(
    workspace: Workspace, conversation: Conversation, text: str, root_kind: str | None
) -> list[VoiceWarning]:
    return check_draft(
        text,
        guide_of(workspace),
        lang=conversation.language or workspace.default_language,
        network_limit=NETWORK_LIMITS.get(conversation.platform),
        public=root_kind not in PRIVATE_KINDS,
    )


def check_save_guide(
    session: Session, actor: Actor, workspace_id: str, data: dict[str, Any]
) -> VoiceGuide:
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    return VoiceGuide.from_dict(data)  # VoiceGuideError (422) names the field at fault


def do_save_guide(
    session: Session, workspace: Workspace, guide: VoiceGuide, *, actor: Actor
) -> None:
    workspace.settings = {**(workspace.settings or {}), "voice": guide.to_dict()}
    record(
        session,
        actor=actor,
        action="inbox.voice.updated",
        workspace_id=workspace.id,
        target=Target("workspace", workspace.id, workspace.name),
        data=guide.to_dict(),
    )


# --- knowledge base ---------------------------------------------------------------------------


def check_add_knowledge(
    session: Session, actor: Actor, workspace_id: str, title: str, answer: str, lang: str
) -> None:
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    if not title.strip() or not answer.strip() or len(title) > 500 or len(answer) > 5000:
        raise ValidationFailedError("an entry needs a question (≤ 500) and an answer (≤ 5000)")
    if lang not in ("fr", "en", "es", "de", "it", "pt", "nl", "ar", "hi"):
        raise ValidationFailedError("unknown language")


def do_add_knowledge(
    session: Session,
    workspace_id: str,
    title: str,
    answer: str,
    lang: str,
    *,
    actor: Actor,
    source: str = "faq",
) -> KnowledgeItem:
    item = KnowledgeItem(
        workspace_id=workspace_id,
        title=title.strip(),
        answer=answer.strip(),
        lang=lang,
        source=source,
        tags=[],
        created_by_id=actor.user_id,
    )
    session.add(item)
    session.flush()
    record(
        session,
        actor=actor,
        action="inbox.knowledge.added",
        workspace_id=workspace_id,
        target=Target("knowledge_item", item.id, item.title[:120]),
        data={"source": source},
    )
    return item


def do_archive_knowledge(session: Session, item: KnowledgeItem, *, actor: Actor) -> None:
    item.archived_at = utcnow()
    record(
        session,
        actor=actor,
        action="inbox.knowledge.archived",
        workspace_id=item.workspace_id,
        target=Target("knowledge_item", item.id, item.title[:120]),
    )


def check_mark_good(
    session: Session, actor: Actor, workspace_id: str, reply_id: str
) -> tuple[OutboundReply, str, str]:
    """A reply that worked becomes knowledge: the customer's words → our answer."""
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    reply = session.get(OutboundReply, reply_id)
    if reply is None or reply.workspace_id != workspace_id:
        raise NotFoundError("reply not found")
    question = (
        session.get(Mention, reply.in_reply_to_mention_id) if reply.in_reply_to_mention_id else None
    )
    if question is None:
        raise ValidationFailedError("this reply answers no message")
    conversation = session.get(Conversation, reply.conversation_id)
    lang = (conversation.language if conversation else None) or question.language or "fr"
    return reply, question.text[:500], lang


# --- suggestions --------------------------------------------------------------------------------


@dataclass
class _Cached:
    stamp: tuple[Any, ...]
    index: suggest.SuggestionIndex


_indexes: dict[str, _Cached] = {}
_lock = threading.Lock()


def _index(session: Session, workspace_id: str) -> suggest.SuggestionIndex | None:
    """Building an index takes a while for big knowledge bases: keep one per workspace until
    an entry is added or archived."""
    where = (KnowledgeItem.workspace_id == workspace_id, KnowledgeItem.archived_at.is_(None))
    stamp = tuple(
        session.execute(
            select(
                func.count(),
                func.max(KnowledgeItem.created_at),
                func.count(KnowledgeItem.archived_at),
            ).where(KnowledgeItem.workspace_id == workspace_id)
        ).one()
    )
    with _lock:
        cached = _indexes.get(workspace_id)
        if cached is not None and cached.stamp == stamp:
            return cached.index
    rows = session.scalars(select(KnowledgeItem).where(*where)).all()
    if not rows:
        return None
    index = suggest.SuggestionIndex(
        [
            suggest.KnowledgeItem(
                id=r.id,
                question_or_title=r.title,
                answer=r.answer,
                lang=r.lang,
                tags=tuple(r.tags or ()),
                source="past_reply" if r.source == "past_reply" else "faq",
            )
            for r in rows
        ]
    )
    with _lock:
        _indexes[workspace_id] = _Cached(stamp, index)
    return index


def suggestions_for(
    session: Session, conversation: Conversation, message: Mention | None
) -> list[suggest.Suggestion]:
    if message is None or not message.text.strip():
        return []
    index = _index(session, conversation.workspace_id)
    if index is None:
        return []
    return index.suggest(message.text, lang=message.language or conversation.language or "fr")


def list_knowledge(session: Session, workspace_id: str) -> list[KnowledgeItem]:
    return list(
        session.scalars(
            select(KnowledgeItem)
            .where(KnowledgeItem.workspace_id == workspace_id, KnowledgeItem.archived_at.is_(None))
            .order_by(KnowledgeItem.lang, KnowledgeItem.title)
        )
    )


# --- saved replies --------------------------------------------------------------------------


@dataclass(frozen=True)
class FilledReply:
    name: str
    text: str
    missing: tuple[str, ...]


def conversation_variables(session: Session, conversation: Conversation) -> dict[str, str]:
    """What a saved reply may say about this customer: {first_name}, {name}, {handle}."""
    from hearth.models import MemberIdentity

    identity = (
        session.get(MemberIdentity, conversation.identity_id) if conversation.identity_id else None
    )
    if identity is None:
        return {}
    name = (identity.display_name or identity.handle or "").strip()
    return {
        "name": name,
        "first_name": name.split(" ")[0] if name else "",
        "handle": identity.handle,
    }


def filled_saved_replies(session: Session, conversation: Conversation) -> list[FilledReply]:
    from hearth.models.inbox import SavedReply

    variables = {k: v for k, v in conversation_variables(session, conversation).items() if v}
    lang = conversation.language or "fr"
    out = []
    for saved in session.scalars(
        select(SavedReply)
        .where(
            SavedReply.workspace_id == conversation.workspace_id, SavedReply.archived_at.is_(None)
        )
        .order_by(SavedReply.name)
    ):
        variants = saved.variants or {}
        template = variants.get(lang) or next(iter(variants.values()), "")
        text, missing = suggest.fill(template, variables)
        out.append(FilledReply(saved.name, text, tuple(missing)))
    return out


def check_save_reply(
    session: Session, actor: Actor, workspace_id: str, name: str, variants: dict[str, str]
) -> None:
    access_with(session, actor, workspace_id, Permission.INBOX_RULES)
    if not name.strip() or len(name) > 200:
        raise ValidationFailedError("give the saved reply a name of at most 200 characters")
    variants = {k: v for k, v in variants.items() if v.strip()}
    if not variants:
        raise ValidationFailedError("write the reply in at least one language")
    for text in variants.values():
        suggest.placeholders(text)  # TemplateError (422) points at a broken {placeholder}


def do_save_reply(
    session: Session, workspace_id: str, name: str, variants: dict[str, str], *, actor: Actor
) -> None:
    from hearth.models.inbox import SavedReply

    saved = SavedReply(
        workspace_id=workspace_id,
        name=name.strip(),
        created_by_id=actor.user_id,
        variants={k: v.strip() for k, v in variants.items() if v.strip()},
    )
    session.add(saved)
    session.flush()
    record(
        session,
        actor=actor,
        action="inbox.saved_reply.created",
        workspace_id=workspace_id,
        target=Target("saved_reply", saved.id, saved.name),
    )


# --- optional drafting through an OpenAI-compatible endpoint (off by default) -------------------

LLM_PURPOSE = "llm-api-key"


def llm_settings_of(workspace: Workspace, secret_key: str) -> Any:
    """The workspace's endpoint settings, or None when drafting is off or not configured."""
    from pydantic import SecretStr

    from hearth.inbox.llm import LlmSettings
    from hearth.kit.crypto import SecretBox

    raw = (workspace.settings or {}).get("llm") or {}
    if not raw.get("enabled") or not raw.get("base_url"):
        return None
    key = SecretBox(secret_key, LLM_PURPOSE).open(raw.get("api_key_sealed", "")).get("key", "")
    return LlmSettings(
        base_url=raw["base_url"],
        api_key=SecretStr(key),
        model=raw.get("model") or "gpt-4o-mini",
        enabled=True,
    )


def check_configure_llm(
    session: Session,
    actor: Actor,
    workspace_id: str,
    base_url: str,
    model: str,
    *,
    policy: OutboundPolicy | None = None,
) -> None:
    """``policy`` is the outbound guard's: an endpoint on a private or internal network is
    refused here (``DestinationRefusedError``) unless the operator allows it."""
    from hearth.inbox.llm import LlmSettings

    access_with(session, actor, workspace_id, Permission.WORKSPACE_SETTINGS)
    if base_url:
        from pydantic import SecretStr, ValidationError

        try:
            LlmSettings(base_url=base_url, api_key=SecretStr("x"), model=model or "x")
        except ValidationError as exc:
            raise ValidationFailedError(f"endpoint: {exc.errors()[0]['msg']}") from None
        check_url(base_url.strip(), policy or default_policy())


def do_configure_llm(
    session: Session,
    workspace: Workspace,
    *,
    enabled: bool,
    base_url: str,
    model: str,
    api_key: str | None,
    secret_key: str,
    actor: Actor,
) -> None:
    """The API key is sealed like channel credentials; an empty key keeps the stored one."""
    from hearth.kit.crypto import SecretBox

    current = dict((workspace.settings or {}).get("llm") or {})
    if api_key:
        current["api_key_sealed"] = SecretBox(secret_key, LLM_PURPOSE).seal({"key": api_key})
    current.update({"enabled": enabled, "base_url": base_url.strip(), "model": model.strip()})
    workspace.settings = {**(workspace.settings or {}), "llm": current}
    record(
        session,
        actor=actor,
        action="inbox.llm.configured",
        workspace_id=workspace.id,
        target=Target("workspace", workspace.id, workspace.name),
        data={
            "enabled": enabled,
            "base_url": current["base_url"],
            "model": current["model"],
            "key_changed": bool(api_key),
        },
    )


def draft_with_llm(
    session: Session,
    workspace: Workspace,
    conversation: Conversation,
    message: Mention | None,
    secret_key: str,
    http: Any,
) -> Any:
    """A draft for the agent to review (never sent as is), or an error in plain words."""
    from hearth.inbox.llm import DraftResult, draft_reply

    settings = llm_settings_of(workspace, secret_key)
    if settings is None:
        return DraftResult(error="AI drafting is off for this workspace", error_code="llm.disabled")
    if message is None:
        return DraftResult(error="there is no message to answer", error_code="llm.empty_message")
    snippets = [s.item.answer for s in suggestions_for(session, conversation, message)]
    return draft_reply(
        settings,
        message.text,
        guide=guide_of(workspace),
        context_snippets=snippets,
        lang=message.language or "fr",
        http=http,
    )
