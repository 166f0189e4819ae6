"""Helpers that build real records through Hearth's own write paths (no shortcuts)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hearth.auth.actions import do_create_user
from hearth.authz.actor import Actor
from hearth.authz.roles import Role
from hearth.models import Membership, User, Workspace
from hearth.workspace.actions import do_create_workspace

PASSWORD = "correct horse battery"
SYSTEM = Actor.system("tests")


def make_user(session: Session, email: str, *, operator: bool = False, locale: str = "en") -> User:
    return do_create_user(session, email=email, display_name=email.split("@")[0].title(),
                          password=PASSWORD, is_operator=operator, locale=locale, actor=SYSTEM)


def make_workspace(session: Session, name: str, owner: User) -> Workspace:
    slug = name.lower().replace(" ", "-")
    return do_create_workspace(session, name=name, slug=slug, owner=owner, actor=SYSTEM)


def add_member(session: Session, workspace: Workspace, user: User, role: Role) -> Membership:
    membership = Membership(workspace_id=workspace.id, user_id=user.id, role=role)
    session.add(membership)
    session.flush()
    return membership
