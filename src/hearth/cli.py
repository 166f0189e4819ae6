"""The `hearth` command. Domain sub-commands attach here (docs/cli.md lists them all)."""

from __future__ import annotations

import getpass
import sys

import typer

from hearth.config import Settings
from hearth.kit.logs import configure_logging
from hearth.kit.runtime import Runtime

app = typer.Typer(
    name="hearth",
    help="Hearth: self-hosted community management for brands.\n\n"
    "Start with `hearth demo` to try it, or `hearth db upgrade`, `hearth user create` and "
    "`hearth serve` for a real installation. Settings come from HEARTH_* environment variables.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema: create or upgrade it.", no_args_is_help=True)
user_app = typer.Typer(help="People who log in to Hearth.", no_args_is_help=True)
workspace_app = typer.Typer(help="Workspaces (one per brand).", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.add_typer(audit_app, name="audit")

from hearth.crisis.cli import app as crisis_app  # noqa: E402
from hearth.enrich.cli import enrich_command, models_app  # noqa: E402

app.command("enrich", help="Enrich JSON lines {id, text}: language, sentiment, toxicity, "
            "personal data, intent, keywords.")(enrich_command)
app.add_typer(models_app, name="models", help="Train, evaluate and use the enrichment models.")
from hearth.ingest.connectors.fileimport.cli import import_app  # noqa: E402
from hearth.ingest.connectors.webhook.cli import webhook_app  # noqa: E402

app.add_typer(crisis_app, name="crisis", help="The crisis radar's detector, on any series.")
app.add_typer(import_app, name="import")
app.add_typer(webhook_app, name="webhook")


def _runtime() -> Runtime:
    settings = Settings()
    configure_logging(settings.log_format, settings.log_level)
    return Runtime(settings)


def _fail(message: str) -> None:
    typer.secho(message, err=True, fg=typer.colors.RED)
    raise typer.Exit(code=1)


@app.command()
def serve(
    host: str = typer.Option(None, help="Address to bind (default HEARTH_HOST or 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default HEARTH_PORT or 8000)"),
) -> None:
    """Run the web UI and the JSON API."""
    runtime = _runtime()
    runtime.upgrade()
    _serve(runtime.settings, host, port)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from hearth.app import create_app

    application = create_app(settings)
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"Hearth is listening on http://{bind_host}:{bind_port}/")
    # uvicorn handles SIGTERM gracefully: it stops accepting, finishes requests in flight, exits.
    uvicorn.run(application, host=bind_host, port=bind_port, log_config=None,
                timeout_graceful_shutdown=20)


@app.command()
def worker() -> None:
    """Run background jobs and, with the NATS stream, the mention consumer, until stopped.

    SIGTERM finishes the job and the batch in hand first.
    """
    from hearth.ingest.pipeline import IngestRuntime
    from hearth.worker import Worker

    runtime = _runtime()
    runtime.upgrade()
    ingest = IngestRuntime(runtime.settings, runtime.sessionmaker)
    if not ingest.runs_consumer_in_process:
        ingest.start_consumer()
    from hearth import tasks

    tasks.start(runtime.sessionmaker, runtime.settings)
    w = Worker(runtime.sessionmaker)
    w.install_signal_handlers()
    try:
        w.run()
    finally:
        ingest.shutdown()


demo_app = typer.Typer(
    help="Try Hearth: the demo world of two fictional brands streaming into a local Hearth.\n\n"
    "Without a sub-command, sets everything up (SQLite in ./data) and starts the server.",
    invoke_without_command=True,
)
app.add_typer(demo_app, name="demo")


@demo_app.callback()
def demo(
    ctx: typer.Context,
    host: str = typer.Option(None, help="Address to bind (default 127.0.0.1)"),
    port: int = typer.Option(None, help="Port (default 8000)"),
) -> None:
    """Set up the demo (schema, login, two brands) and run Hearth with the demo world."""
    if ctx.invoked_subcommand is not None:
        return
    from hearth.demo.bootstrap import ensure_demo

    runtime = _runtime()
    runtime.upgrade()
    with runtime.transaction() as session:
        login = ensure_demo(session, runtime.settings.data_dir)
    settings = runtime.settings.model_copy(update={"demo": True})
    url = f"http://{host or settings.host}:{port or settings.port}/"
    typer.secho(f"\nHearth demo: open {url}\n  e-mail:   {login.email}\n"
                f"  password: {login.password}\n", fg=typer.colors.GREEN, bold=True)
    _serve(settings, host, port)


def _attach_demo_world_commands() -> None:
    # The read-only world commands (generate, stats…) live with the world itself.
    from hearth.demo.cli import demo_app as world_commands

    demo_app.registered_commands.extend(world_commands.registered_commands)


_attach_demo_world_commands()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema or bring it to the latest version."""
    runtime = _runtime()
    runtime.upgrade()
    typer.echo("database is at the latest schema version")


@user_app.command("create")
def user_create(
    email: str = typer.Option(..., help="Login e-mail"),
    name: str = typer.Option("", help="Display name"),
    password: str = typer.Option(None, help="Password (asked for when omitted)"),
    locale: str = typer.Option("en", help="en or fr"),
    operator: bool = typer.Option(False, help="May create workspaces"),
) -> None:
    """Create a login."""
    from hearth.auth.actions import do_create_user
    from hearth.authz.actor import Actor
    from hearth.kit.errors import HearthError

    if password is None:
        password = (
            getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
        )
    runtime = _runtime()
    runtime.upgrade()
    try:
        with runtime.transaction() as session:
            user = do_create_user(
                session,
                email=email,
                display_name=name,
                password=password,
                locale=locale,
                is_operator=operator,
                actor=Actor.system("cli"),
            )
    except HearthError as exc:
        _fail(f"could not create the user: {exc.message}")
    typer.echo(f"created {user.email}")


@workspace_app.command("create")
def workspace_create(
    name: str = typer.Option(..., help="The brand's name"),
    owner: str = typer.Option(..., help="E-mail of the owner (an existing user)"),
    slug: str = typer.Option(None, help="Short name used in URLs (derived from the name)"),
    timezone: str = typer.Option("Europe/Paris", help="The brand's time zone"),
    language: str = typer.Option("fr", help="The brand's main language"),
) -> None:
    """Create a workspace with its first owner."""
    from hearth.auth.actions import find_user_by_email
    from hearth.authz.actor import Actor
    from hearth.kit.errors import HearthError
    from hearth.workspace.actions import check_create_workspace, do_create_workspace

    runtime = _runtime()
    runtime.upgrade()
    try:
        with runtime.transaction() as session:
            user = find_user_by_email(session, owner)
            if user is None:
                _fail(f"no user with e-mail {owner}: create it with `hearth user create` first")
            actor = Actor.system("cli")
            slug = check_create_workspace(session, actor, name, slug)
            ws = do_create_workspace(
                session,
                name=name,
                slug=slug,
                owner=user,
                actor=actor,
                timezone=timezone,
                default_language=language,
            )
    except HearthError as exc:
        _fail(f"could not create the workspace: {exc.message}")
    typer.echo(f"created workspace {ws.name} (/w/{ws.slug}/)")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; name the first edited or deleted entry."""
    from hearth.audit.chain import verify

    runtime = _runtime()
    with runtime.transaction() as session:
        checked, problem = verify(session)
    if problem is not None:
        _fail(
            f"audit log BROKEN at entry #{problem.seq}: {problem.reason} "
            f"({checked} entries verified before it)"
        )
    typer.echo(f"audit log intact: {checked} entries verified")
