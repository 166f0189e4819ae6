"""Prepare a fresh installation for `hearth demo`: schema, a demo login, the two brands.

Idempotent: running the demo again reuses what the first run created (and its password).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from hearth.auth.actions import do_create_user, find_user_by_email
from hearth.authz.actor import Actor
from hearth.models import User, Workspace
from hearth.workspace.actions import do_create_workspace
from hearth.workspace.queries import find_workspace_by_slug

DEMO_EMAIL = "demo@hearth.local"
PASSWORD_FILE = "demo_password"
# The demo world's brands (hearth.demo.brands) and how their workspaces are set up.
DEMO_WORKSPACES = (
    ("briquo", "Briquo", "Europe/Paris", "fr"),
    ("pizzadoro", "Pizzadoro", "Europe/Paris", "fr"),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    workspaces: dict[str, str]  # slug -> workspace id


def _demo_password(data_dir: Path) -> str:
    path = data_dir / PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    password = "demo-" + secrets.token_urlsafe(9)
    path.touch(mode=0o600)
    path.write_text(password)
    return password


def _ensure_user(session: Session, password: str, actor: Actor) -> User:
    user = find_user_by_email(session, DEMO_EMAIL)
    if user is None:
        user = do_create_user(session, email=DEMO_EMAIL, display_name="Camille (demo)",
                              password=password, locale="fr", is_operator=True, actor=actor)
    return user


def _ensure_workspace(session: Session, owner: User, slug: str, name: str, tz: str,
                      lang: str, actor: Actor) -> Workspace:
    workspace = find_workspace_by_slug(session, slug)
    if workspace is None:
        workspace = do_create_workspace(session, name=name, slug=slug, owner=owner, actor=actor,
                                        timezone=tz, default_language=lang)
        # The demo's networks are simulated: replies are "delivered" without a real account.
        workspace.settings = {**(workspace.settings or {}), "demo": True, "csat": True,
                              # The backfilled history was "answered" before the demo began.
                              "inbox_max_age_hours": 2}
    if "crisis_contact" not in (workspace.settings or {}):
        # Filled into the incident room's holding statements (added to older demo data too).
        workspace.settings = {**(workspace.settings or {}),
                              "crisis_contact": f"presse@{slug}.example"}
    from hearth.demo.inbox_seed import seed_inbox

    seed_inbox(session, workspace, slug)
    return workspace


def ensure_demo(session: Session, data_dir: Path) -> DemoLogin:
    actor = Actor.system("demo")
    password = _demo_password(data_dir)
    user = _ensure_user(session, password, actor)
    workspaces = {
        slug: _ensure_workspace(session, user, slug, name, tz, lang, actor).id
        for slug, name, tz, lang in DEMO_WORKSPACES
    }
    return DemoLogin(DEMO_EMAIL, password, workspaces)
