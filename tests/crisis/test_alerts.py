"""Alert lifecycle: one per episode, auto-resolve, acknowledge, snooze, resolve, audit, access."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hearth.auth.actions import user_actor
from hearth.authz.roles import Role
from hearth.crisis import actions
from hearth.crisis.queries import find_banner_alert
from hearth.kit.errors import ConflictError, ForbiddenError, NotFoundError, ValidationFailedError
from hearth.kit.time import utcnow
from hearth.models import AuditEntry, CrisisAlert
from tests.crisis.alerting import SURGE_BUCKETS, raise_alert, surge_at
from tests.factories import add_member, make_user, make_workspace


@pytest.fixture
def team(factory):
    with factory.begin() as session:
        owner = make_user(session, "owner@example.com")
        ws = make_workspace(session, "Pizzadoro", owner)
        viewer = make_user(session, "viewer@example.com")
        add_member(session, ws, viewer, Role.VIEWER)
        other = make_workspace(session, "Elsewhere", make_user(session, "else@example.com"))
        return {
            "ws": ws.id,
            "other": other.id,
            "owner": user_actor(owner),
            "viewer": user_actor(viewer),
        }


def _audit(session, alert_id: str) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.target_id == alert_id)
            .order_by(AuditEntry.seq)
        )
    )


def test_surge_opens_one_alert_and_calm_resolves_it(factory, team):
    alert_id = raise_alert(factory, team["ws"], calm_after=8)
    with factory() as session:
        alert = session.get(CrisisAlert, alert_id)
        assert alert.opened_at <= surge_at() + 2 * BUCKET_AND_GRACE
        assert alert.metric == "negative_mentions" and alert.severity == "crisis"
        assert alert.resolved_at is not None and alert.resolved_by_id is None  # the radar
        assert alert.reason["ratio"] > 5
        assert _audit(session, alert_id) == ["crisis.alert.opened", "crisis.alert.resolved"]


BUCKET_AND_GRACE = timedelta(minutes=6)


def test_acknowledge_records_who_once(factory, team):
    # That it stops the escalation e-mail: test_notify.test_no_escalation_once_acknowledged.
    alert_id = raise_alert(factory, team["ws"])
    with factory.begin() as session:
        alert = actions.check_acknowledge_alert(session, team["owner"], team["ws"], alert_id)
        actions.do_acknowledge_alert(session, alert, actor=team["owner"])
    with factory() as session:
        alert = session.get(CrisisAlert, alert_id)
        assert alert.acknowledged_by_id == team["owner"].user_id
        assert _audit(session, alert_id)[-1] == "crisis.alert.acknowledged"
        with pytest.raises(ConflictError):
            actions.check_acknowledge_alert(session, team["owner"], team["ws"], alert_id)


def test_snooze_hides_the_banner_until_then(factory, team):
    alert_id = raise_alert(factory, team["ws"])
    with factory.begin() as session:
        assert find_banner_alert(session, team["ws"], utcnow()).id == alert_id
        alert, duration = actions.check_snooze_alert(
            session, team["owner"], team["ws"], alert_id, 60
        )
        actions.do_snooze_alert(session, alert, duration, actor=team["owner"])
    with factory() as session:
        assert find_banner_alert(session, team["ws"], utcnow()) is None
        later = utcnow() + timedelta(minutes=61)
        assert find_banner_alert(session, team["ws"], later).id == alert_id
        assert _audit(session, alert_id)[-1] == "crisis.alert.snoozed"


def test_snooze_refuses_an_unknown_duration(factory, team):
    alert_id = raise_alert(factory, team["ws"])
    with factory() as session, pytest.raises(ValidationFailedError):
        actions.check_snooze_alert(session, team["owner"], team["ws"], alert_id, 7)


def test_resolve_by_a_person_closes_it_once(factory, team):
    alert_id = raise_alert(factory, team["ws"])
    with factory.begin() as session:
        alert = actions.check_resolve_alert(session, team["owner"], team["ws"], alert_id)
        actions.do_resolve_alert(session, alert, actor=team["owner"])
    with factory() as session:
        alert = session.get(CrisisAlert, alert_id)
        assert alert.resolved_by_id == team["owner"].user_id
        assert find_banner_alert(session, team["ws"], utcnow()) is None
        assert _audit(session, alert_id)[-1] == "crisis.alert.resolved"
        with pytest.raises(ConflictError):
            actions.check_resolve_alert(session, team["owner"], team["ws"], alert_id)


def test_viewer_may_see_but_not_manage(factory, team):
    alert_id = raise_alert(factory, team["ws"])
    with factory() as session:
        assert actions.access_alert(session, team["viewer"], team["ws"], alert_id).id == alert_id
        with pytest.raises(ForbiddenError):
            actions.check_acknowledge_alert(session, team["viewer"], team["ws"], alert_id)
        with pytest.raises(ForbiddenError):
            actions.check_snooze_alert(session, team["viewer"], team["ws"], alert_id, 60)


def test_another_workspace_cannot_reach_the_alert(factory, team):
    alert_id = raise_alert(factory, team["ws"])
    with factory() as session, pytest.raises(NotFoundError):
        actions.access_alert(session, team["owner"], team["other"], alert_id)


def test_surge_buckets_are_one_episode(factory, team):
    raise_alert(factory, team["ws"], calm_after=2)  # .one() inside fails on a second alert
    assert SURGE_BUCKETS > 1
