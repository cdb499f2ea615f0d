"""``keepwell serve``, ``keepwell user ...`` and ``keepwell token ...``."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from keepwell.auth.models import User
from keepwell.auth.passwords import PasswordPolicyError
from keepwell.auth.permissions import Role, Scope
from keepwell.auth.service import UserError, create_user, find_user, list_users, update_user
from keepwell.auth.tokens import create_token, list_tokens, revoke_token_named
from keepwell.cli.app import app, console, err_console, fail, print_json, state
from keepwell.db import session_scope
from keepwell.settings import get_settings

ACTOR = "cli"
ROLES = ", ".join(r.value for r in Role)
SCOPES = ", ".join(s.value for s in Scope)

user_app = typer.Typer(help="Users who sign in to Keepwell.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes (one per processor core suits most machines).",
        ),
    ] = 1,
    slots: Annotated[
        int | None,
        typer.Option(
            "--slots",
            min=1,
            max=15,
            help="Requests each process works on at once (default: KEEPWELL_WEB_SLOTS, 2).",
        ),
    ] = None,
    schedule: Annotated[
        float | None,
        typer.Option(
            "--schedule",
            min=1,
            help="Run scoring and playbooks every this many minutes in-process "
            "(default: KEEPWELL_RUN_EVERY_MINUTES; 0 or unset: never).",
        ),
    ] = None,
) -> None:
    """Run the web application and the API (migrating the database first)."""
    import uvicorn

    from keepwell.pipeline import Scheduler
    from keepwell.web.app import InsecureSettings, check_settings, create_app
    from keepwell.web.serving import freeze_startup_objects, serve_processes

    if slots is not None:
        os.environ["KEEPWELL_WEB_SLOTS"] = str(slots)  # for worker processes too
        get_settings.cache_clear()
    settings = get_settings()
    try:
        check_settings(settings)
    except InsecureSettings as exc:
        raise fail(str(exc), 2) from None
    engine = state(ctx).engine()  # migrates before any process serves
    if settings.cookie_secure and host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            "Session cookies are HTTPS-only: serve behind TLS, or set "
            "KEEPWELL_COOKIE_SECURE=false for plain HTTP in development."
        )
    minutes = schedule or settings.run_every_minutes
    scheduler = Scheduler(state(ctx).engine(), minutes) if minutes else None
    if scheduler is not None:
        scheduler.start()
    try:
        if workers == 1:
            web_app = create_app(settings, engine)
            freeze_startup_objects()
            uvicorn.run(web_app, host=host, port=port, proxy_headers=False, log_level="info")
        else:
            os.environ["KEEPWELL_DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
            serve_processes(host, port, workers)
    finally:
        if scheduler is not None:
            scheduler.stop()


@user_app.command("create")
def user_create(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Email address, used to sign in.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {ROLES}.")] = Role.MEMBER.value,
    admin: Annotated[bool, typer.Option("--admin", help="Same as --role admin.")] = False,
    name: Annotated[str, typer.Option("--name", help="Display name (default: email).")] = "",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the user as JSON.")] = False,
) -> None:
    """Create a user; the password is prompted for (or read from standard input)."""
    if admin and role not in (Role.MEMBER.value, Role.ADMIN.value):
        raise fail("--admin and --role disagree; give one of them", 2)
    chosen = Role.ADMIN.value if admin else role
    password = _read_password() if password_stdin else _prompt_password()
    try:
        with session_scope(state(ctx).engine()) as session:
            user = create_user(
                session, email=email, name=name, role=chosen, password=password, actor=ACTOR
            )
            shown = _user_dict(user)
    except (UserError, PasswordPolicyError) as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        print_json(shown)
    else:
        console.print(f"Created user {shown['email']} with role {shown['role']}.")


@user_app.command("list")
def user_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the users as JSON.")] = False,
) -> None:
    """List the users and their roles."""
    with session_scope(state(ctx).engine()) as session:
        users = [_user_dict(u) for u in list_users(session)]
    if as_json:
        print_json(users)
        return
    table = Table("email", "name", "role", "active", "last sign-in")
    for u in users:
        active = "yes" if u["active"] else "no"
        cells = (u["email"], u["name"], u["role"], active, u["last_login_at"] or "")
        table.add_row(*(str(cell) for cell in cells))
    console.print(table)


@user_app.command("set-role")
def user_set_role(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="The user's email.")],
    role: Annotated[str, typer.Argument(help=f"One of: {ROLES}.")],
) -> None:
    """Change a user's role (audited)."""
    try:
        with session_scope(state(ctx).engine()) as session:
            update_user(session, _user(session, email), actor=ACTOR, role=role)
    except UserError as exc:
        raise fail(str(exc), 2) from None
    console.print(f"{email} now has role {role}.")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="A unique name for the token.")],
    scope: Annotated[str, typer.Option("--scope", help=f"One of: {SCOPES}.")],
    user: Annotated[
        str | None,
        typer.Option("--user", help="Email of the user it acts for (default: the only admin)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the token as JSON.")] = False,
    expires_in_days: Annotated[
        int | None,
        typer.Option("--expires-in-days", help="Days until it stops working (default: never)."),
    ] = None,
) -> None:
    """Create an API token and print it once (only its hash is kept)."""
    try:
        with session_scope(state(ctx).engine()) as session:
            owner = _user(session, user) if user else _only_admin(session)
            raw, token = create_token(
                session, owner, name, scope, actor=ACTOR, expires_in_days=expires_in_days
            )
            expires = token.expires_at.isoformat() + "Z" if token.expires_at else None
            shown = {
                "name": token.name,
                "scope": token.scope,
                "user": owner.email,
                "expires_at": expires,
                "token": raw,
            }
    except UserError as exc:
        raise fail(str(exc), 2) from None
    if as_json:
        print_json(shown)
        return
    until = f", expires {expires[:16].replace('T', ' ')} UTC" if expires else ""
    console.print(f"Token {shown['name']} ({shown['scope']}) for {shown['user']}{until}:")
    typer.echo(raw)
    err_console.print("Copy it now: it is not shown again.")


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The token's name.")]
) -> None:
    """Revoke a token; it stops working at once."""
    try:
        with session_scope(state(ctx).engine()) as session:
            revoke_token_named(session, name, actor=ACTOR)
    except UserError as exc:
        raise fail(str(exc), 2) from None
    console.print(f"Token {name} revoked.")


@token_app.command("list")
def token_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tokens as JSON.")] = False,
) -> None:
    """List tokens (never their secret), active ones first."""
    with session_scope(state(ctx).engine()) as session:
        rows = [
            {
                "name": t.name,
                "scope": t.scope,
                "user": t.user.email,
                "prefix": t.prefix,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
                "expires_at": t.expires_at,
            }
            for t in list_tokens(session)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("name", "scope", "user", "prefix", "last used", "revoked", "expires")
    for r in rows:
        keys = ("name", "scope", "user", "prefix", "last_used_at", "revoked_at", "expires_at")
        table.add_row(*(str(r[k] or "") for k in keys))
    console.print(table)


def _read_password() -> str:
    line = sys.stdin.readline()
    if not line:
        raise fail("no password on standard input", 2)
    return line.rstrip("\r\n")


def _prompt_password() -> str:
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _user(session: Session, email: str) -> User:
    found = find_user(session, email)
    if found is None:
        raise UserError(f"no user with email {email}")
    return found


def _only_admin(session: Session) -> User:
    admins = list(
        session.scalars(select(User).where(User.role == Role.ADMIN.value, User.active.is_(True)))
    )
    if len(admins) != 1:
        raise UserError(f"{len(admins)} active admins; name the token's user with --user")
    return admins[0]


def _user_dict(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "active": user.active,
        "last_login_at": user.last_login_at,
    }
