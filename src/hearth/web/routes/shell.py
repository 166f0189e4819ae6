"""The workspace shell: home, switching workspaces, and each area's page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from hearth.authz.access import require
from hearth.kit.errors import NotFoundError
from hearth.web.areas import AREA_BY_SLUG, AREAS
from hearth.web.context import (
    Viewer,
    WorkspacePage,
    db_session,
    logged_in,
    render,
    verify_csrf,
    workspace_page,
)
from hearth.workspace.queries import list_user_workspaces

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


@router.get("/")
def home(
    request: Request,
    view: Viewer = Depends(logged_in),
    db: Session = Depends(db_session, scope="function"),
) -> Response:
    assert view.user is not None
    workspaces = list_user_workspaces(db, view.user.id)
    if len(workspaces) == 1:
        return RedirectResponse(f"/w/{workspaces[0][0].slug}/", status_code=303)
    return render(request, "shell/home.html", workspaces=workspaces)


@router.get("/w/{slug}/")
def workspace_home(page: WorkspacePage = Depends(workspace_page)) -> Response:
    return RedirectResponse(f"/w/{page.workspace.slug}/inbox", status_code=303)


@router.get("/w/{slug}/{area}")
def area_page(
    request: Request, area: str, page: WorkspacePage = Depends(workspace_page)
) -> Response:
    found = AREA_BY_SLUG.get(area)
    if found is None:
        raise NotFoundError()
    require(page.grant, found.permission)
    return render(request, "shell/area.html", page=page, area=found, areas=AREAS)
