"""Users, logins and sessions: every write goes through a ``do_*`` that writes its audit entry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hearth.audit.chain import Target, record
from hearth.auth.passwords import (
    check_password_strength,
    hash_password,
    needs_rehash,
    verify_password,
)
from hearth.authz.access import access_with
from hearth.authz.actor import Actor
from hearth.authz.roles import Permission, Role
from hearth.kit.crypto import random_token, token_hash
from hearth.kit.errors import (
    ConflictError,
    ForbiddenError,
    HearthError,
    NotFoundError,
    ValidationFailedError,
)
from hearth.kit.time import utcnow
from hearth.models import LoginAttempt, Membership, User, UserSession

SUPPORTED_LOCALES = ("en", "fr")


class InvalidCredentialsError(HearthError):
    """Wrong e-mail or password."""

    status = 401
    code = "auth.invalid_credentials"


class LoginThrottledError(HearthError):
    """Too many failed logins: wait a few minutes before trying again."""

    status = 429
    code = "auth.throttled"


class EmailTakenError(ConflictError):
    """An account with this e-mail already exists."""


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise ValidationFailedError("enter a valid e-mail address")
    return email


def user_actor(user: User) -> Actor:
    return Actor.for_user(user.id, user.email, is_operator=user.is_operator)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def do_create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    password: str,
    locale: str = "en",
    timezone: str = "Europe/Paris",
    is_operator: bool = False,
    actor: Actor,
) -> User:
    email = normalize_email(email)
    check_password_strength(password)
    if find_user_by_email(session, email):
        raise EmailTakenError()
    user = User(
        email=email,
        display_name=display_name.strip()[:200] or email.split("@")[0],
        password_hash=hash_password(password),
        locale=locale if locale in SUPPORTED_LOCALES else "en",
        timezone=timezone,
        is_operator=is_operator,
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        action="auth.user.created",
        workspace_id=None,
        target=Target("user", user.id, user.email),
        data={"operator": is_operator},
    )
    return user


def _recent_failures(session: Session, email: str, ip: str | None, window: timedelta) -> int:
    query = select(func.count()).where(
        LoginAttempt.email == email,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.at >= utcnow() - window,
    )
    if ip is not None:
        query = query.where(LoginAttempt.ip == ip)
    return session.scalar(query) or 0


def check_login_allowed(
    session: Session, email: str, ip: str, *, max_failures: int, window_minutes: int
) -> None:
    window = timedelta(minutes=window_minutes)
    # Per account and address, and a looser limit per account from anywhere (distributed guessing).
    if _recent_failures(session, email, ip, window) >= max_failures:
        raise LoginThrottledError()
    if _recent_failures(session, email, None, window) >= max_failures * 4:
        raise LoginThrottledError()


def authenticate(
    session: Session,
    email: str,
    password: str,
    ip: str,
    *,
    max_failures: int = 5,
    window_minutes: int = 15,
) -> User:
    """Check a password login. The caller commits, so failures are recorded even when refused."""
    email = email.strip().lower()[:320]
    check_login_allowed(
        session, email, ip, max_failures=max_failures, window_minutes=window_minutes
    )
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    session.add(LoginAttempt(email=email, ip=ip[:64], succeeded=bool(ok and user)))
    if not ok or user is None or user.disabled_at is not None:
        raise InvalidCredentialsError()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def do_start_session(
    session: Session, user: User, *, ip: str, user_agent: str, days: int
) -> tuple[UserSession, str]:
    raw = random_token()
    user_session = UserSession(
        user_id=user.id,
        token_hash=token_hash(raw),
        csrf_secret=random_token(nbytes=24),
        expires_at=utcnow() + timedelta(days=days),
        ip=ip[:64],
        user_agent=user_agent[:300],
    )
    session.add(user_session)
    session.flush()
    record(
        session,
        actor=user_actor(user),
        action="auth.session.started",
        workspace_id=None,
        target=Target("user", user.id, user.email),
        data={"ip": ip[:64]},
    )
    return user_session, raw


def resolve_session(session: Session, raw: str | None) -> tuple[UserSession, User] | None:
    if not raw or len(raw) > 200:
        return None
    user_session = session.scalar(
        select(UserSession).where(UserSession.token_hash == token_hash(raw))
    )
    if user_session is None or user_session.revoked_at or user_session.expires_at <= utcnow():
        return None
    user = session.get(User, user_session.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return user_session, user


def do_end_session(session: Session, user_session: UserSession, *, actor: Actor) -> None:
    user_session.revoked_at = utcnow()
    record(
        session,
        actor=actor,
        action="auth.session.ended",
        workspace_id=None,
        target=Target("user", user_session.user_id, actor.label),
    )


def _revoke_all_sessions(session: Session, user_id: str, keep: str | None = None) -> None:
    query = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(UserSession.id != keep)
    session.execute(query.values(revoked_at=utcnow()))


def do_change_password(
    session: Session,
    user: User,
    *,
    current: str,
    new: str,
    keep_session_id: str | None,
    actor: Actor,
) -> None:
    if not verify_password(user.password_hash, current):
        raise InvalidCredentialsError("the current password is wrong")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.password_reset_required_at = None
    _revoke_all_sessions(session, user.id, keep=keep_session_id)
    record(
        session,
        actor=actor,
        action="auth.password.changed",
        workspace_id=None,
        target=Target("user", user.id, user.email),
    )


def _memberships_of(session: Session, user_id: str | None) -> dict[str, str]:
    rows = session.execute(
        select(Membership.workspace_id, Membership.role).where(Membership.user_id == user_id)
    ).all()
    return {workspace_id: role for workspace_id, role in rows}


def check_reset_password(session: Session, actor: Actor, workspace_id: str, user_id: str) -> User:
    """An admin may reset a teammate's password only if they administer *every* workspace the
    teammate belongs to: otherwise an admin of one brand could take over an owner of another."""
    grant = access_with(session, actor, workspace_id, Permission.TEAM_RESET_PASSWORD)
    theirs = _memberships_of(session, user_id)
    target = session.get(User, user_id)
    if workspace_id not in theirs or target is None:
        raise NotFoundError("user not found")
    if actor.is_operator or actor.is_system:
        return target
    mine = _memberships_of(session, actor.user_id)
    administered = {ws for ws, role in mine.items() if role in (Role.ADMIN, Role.OWNER)}
    if (
        target.is_operator
        or not set(theirs) <= administered
        or (grant.role is Role.ADMIN and Role.OWNER in theirs.values())
    ):
        raise ForbiddenError("this teammate belongs to workspaces you do not administer")
    return target


def do_reset_password(session: Session, target: User, *, workspace_id: str, actor: Actor) -> str:
    """Set a one-time temporary password (shown once) that must be changed at next login."""
    temporary = random_token(nbytes=12)
    target.password_hash = hash_password(temporary)
    target.password_reset_required_at = utcnow()
    _revoke_all_sessions(session, target.id)
    record(
        session,
        actor=actor,
        action="auth.password.reset",
        workspace_id=workspace_id,
        target=Target("user", target.id, target.email),
    )
    return temporary


def do_update_preferences(
    session: Session, user: User, *, locale: str, timezone: str, actor: Actor
) -> None:
    from zoneinfo import available_timezones

    if locale not in SUPPORTED_LOCALES:
        raise ValidationFailedError("unsupported language")
    if timezone not in available_timezones():
        raise ValidationFailedError("unknown time zone")
    changes = {
        k: v for k, v in (("locale", locale), ("timezone", timezone)) if getattr(user, k) != v
    }
    user.locale, user.timezone = locale, timezone
    record(
        session,
        actor=actor,
        action="auth.preferences.changed",
        workspace_id=None,
        target=Target("user", user.id, user.email),
        data=changes,
    )
