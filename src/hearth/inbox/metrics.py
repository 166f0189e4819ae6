"""Response metrics per agent, per network and overall: what the inbox report page shows and
analytics will read later."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hearth.models import User
from hearth.models.inbox import Conversation, CsatSurvey, SlaBreach

MAX_ROWS = 200_000


@dataclass
class Figures:
    conversations: int = 0
    answered: int = 0
    closed: int = 0
    first_response: list[float] = field(default_factory=list)  # minutes
    resolution: list[float] = field(default_factory=list)  # minutes
    breached: int = 0
    csat_scores: list[int] = field(default_factory=list)
    csat_sent: int = 0

    @staticmethod
    def _median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    @staticmethod
    def _p90(values: list[float]) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1)

    @property
    def frt_median(self) -> float | None:
        return self._median(self.first_response)

    @property
    def frt_p90(self) -> float | None:
        return self._p90(self.first_response)

    @property
    def resolution_median(self) -> float | None:
        return self._median(self.resolution)

    @property
    def sla_attainment(self) -> float | None:
        if not self.conversations:
            return None
        return round(100 * (1 - self.breached / self.conversations), 1)

    @property
    def csat(self) -> float | None:
        return round(statistics.mean(self.csat_scores), 2) if self.csat_scores else None


@dataclass
class InboxReport:
    since: datetime
    until: datetime
    overall: Figures
    by_agent: dict[str, Figures]
    by_network: dict[str, Figures]


def _minutes(delta: timedelta) -> float:
    return max(delta.total_seconds(), 0) / 60


def inbox_report(
    session: Session, workspace_id: str, since: datetime, until: datetime
) -> InboxReport:
    rows = (
        session.execute(
            select(Conversation)
            .where(
                Conversation.workspace_id == workspace_id,
                Conversation.created_at >= since,
                Conversation.created_at < until,
            )
            .limit(MAX_ROWS)
        )
        .scalars()
        .all()
    )
    breached = set(
        session.scalars(
            select(SlaBreach.conversation_id)
            .where(SlaBreach.workspace_id == workspace_id, SlaBreach.due_at >= since)
            .distinct()
        )
    )
    surveys = session.execute(
        select(CsatSurvey.conversation_id, CsatSurvey.score).where(
            CsatSurvey.workspace_id == workspace_id, CsatSurvey.sent_at >= since
        )
    ).all()
    scores = dict(surveys)
    names = dict(session.execute(select(User.id, User.display_name)).all())
    overall, by_agent, by_network = Figures(), defaultdict(Figures), defaultdict(Figures)
    for conversation in rows:
        agent = names.get(conversation.first_response_by_id or conversation.assignee_id or "", "—")
        for figures in (overall, by_agent[agent], by_network[conversation.platform]):
            _add(figures, conversation, conversation.id in breached, scores)
    return InboxReport(since, until, overall, dict(by_agent), dict(by_network))


def _add(figures: Figures, c: Conversation, breached: bool, scores: dict) -> None:
    figures.conversations += 1
    if c.first_response_at:
        figures.answered += 1
        figures.first_response.append(_minutes(c.first_response_at - c.created_at))
    if c.closed_at:
        figures.closed += 1
        figures.resolution.append(_minutes(c.closed_at - c.created_at))
    figures.breached += breached
    if c.id in scores:
        figures.csat_sent += 1
        if scores[c.id] is not None:
            figures.csat_scores.append(int(scores[c.id]))


def open_breaches(session: Session, workspace_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(SlaBreach)
            .join(Conversation, Conversation.id == SlaBreach.conversation_id)
            .where(SlaBreach.workspace_id == workspace_id, Conversation.state != "closed")
        )
        or 0
    )
