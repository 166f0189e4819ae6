from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from hearth.audit.chain import Target, record, verify
from hearth.authz.actor import Actor
from hearth.cli import app
from hearth.models import AuditEntry

ALICE = Actor.for_user("u-1", "alice@example.com")


def _write_entries(factory: sessionmaker[Session], n: int) -> None:
    with factory() as session:
        for i in range(n):
            record(session, actor=ALICE, action="tests.thing.done", workspace_id="w-1",
                   target=Target("thing", str(i), f"thing {i}"), data={"i": i})
        session.commit()


def test_intact_chain_verifies(factory: sessionmaker[Session]) -> None:
    _write_entries(factory, 5)
    with factory() as session:
        checked, problem = verify(session)
    assert (checked, problem) == (5, None)


def test_edited_entry_is_named(factory: sessionmaker[Session]) -> None:
    _write_entries(factory, 5)
    with factory() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor_label="mallory"))
        session.commit()
        checked, problem = verify(session)
    assert problem is not None and problem.seq == 3 and checked == 2


def test_deleted_middle_entry_is_named(factory: sessionmaker[Session]) -> None:
    _write_entries(factory, 5)
    with factory() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
        session.commit()
        _, problem = verify(session)
    assert problem is not None and problem.seq == 2


def test_deleted_tail_is_detected(factory: sessionmaker[Session]) -> None:
    _write_entries(factory, 4)
    with factory() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == 4))
        session.commit()
        _, problem = verify(session)
    assert problem is not None and problem.seq == 4


def test_rewritten_hash_does_not_hide_an_edit(factory: sessionmaker[Session]) -> None:
    """Recomputing the edited entry's own hash breaks the link to the next one."""
    from hearth.audit.chain import entry_hash

    _write_entries(factory, 3)
    with factory() as session:
        entry = session.get(AuditEntry, 2)
        assert entry is not None
        entry.data = {"i": 99}
        entry.hash = entry_hash(entry)
        session.commit()
        _, problem = verify(session)
    assert problem is not None and problem.seq == 3


def test_cli_verify_fails_and_names_the_entry(
    factory: sessionmaker[Session], settings, monkeypatch
) -> None:
    _write_entries(factory, 3)
    monkeypatch.setenv("HEARTH_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("HEARTH_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "3 entries verified" in ok.output
    with factory() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(action="x.y.z"))
        session.commit()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "#2" in broken.output
