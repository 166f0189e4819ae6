"""Customer satisfaction: after closing, a link to rate the answer; the rating is recorded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.authz.actor import Actor
from hearth.kit.crypto import random_token, token_hash
from hearth.kit.errors import NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import Workspace
from hearth.models.inbox import Conversation, CsatSurvey

CSAT_TEXT = {
    "fr": "Merci pour votre message ! Comment avons-nous répondu ? Donnez-nous votre avis : {link}",
    "en": "Thanks for reaching out! How did we do? Tell us here: {link}",
}


def wants_csat(workspace: Workspace) -> bool:
    return bool((workspace.settings or {}).get("csat"))


def do_send_survey(
    session: Session, conversation: Conversation, base_url: str, *, actor: Actor
) -> CsatSurvey:
    """Create the survey and send its link as a reply in the conversation's thread."""
    from hearth.inbox.actions import do_reply

    raw = random_token(nbytes=18)
    survey = CsatSurvey(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        token_hash=token_hash(raw),
        assignee_id=conversation.assignee_id,
        platform=conversation.platform,
    )
    session.add(survey)
    session.flush()
    text = CSAT_TEXT.get(conversation.language or "", CSAT_TEXT["en"]).format(
        link=f"{base_url.rstrip('/')}/csat/{raw}"
    )
    do_reply(
        session,
        conversation,
        text=text,
        idempotency_key=f"csat-{survey.id}",
        actor=actor,
        counts_as_response=False,
    )
    return survey


def find_survey(session: Session, raw: str) -> CsatSurvey:
    survey = session.scalar(select(CsatSurvey).where(CsatSurvey.token_hash == token_hash(raw)))
    if survey is None:
        raise NotFoundError("this survey link is not valid")
    return survey


def do_answer_survey(session: Session, survey: CsatSurvey, score: int, comment: str) -> None:
    if score not in range(1, 6):
        raise ValidationFailedError("choose a rating from 1 to 5")
    if survey.answered_at is not None:
        raise ValidationFailedError("this survey was already answered: thank you!")
    survey.score, survey.comment, survey.answered_at = score, comment.strip()[:2000], utcnow()
    record(
        session,
        actor=Actor.system("csat"),
        action="inbox.csat.answered",
        workspace_id=survey.workspace_id,
        target=Target("conversation", survey.conversation_id, None),
        data={"score": score},
    )
