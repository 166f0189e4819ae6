"""The post-mortem of a closed incident, as a self-contained HTML file and as a PDF.

Both are built from the same data: the facts frozen at closing (numbers, drivers, the series
with its baseline), the stored timeline, the tasks and the statements. The HTML carries its
styles inline and no script, so it reads the same from a mail attachment or a shared drive.
The PDF is drawn with fpdf2 (pure Python); text uses a Unicode TrueType font from the system
when one is found (DejaVu, Liberation, Noto: Debian's chromium brings DejaVu) and falls back to
the PDF core font, which covers French but not every script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fpdf import FPDF, XPos, YPos
from markupsafe import Markup
from sqlalchemy.orm import Session

from hearth.crisis import incident_queries as iq
from hearth.crisis.queries import ChartPoint
from hearth.kit.time import ensure_utc
from hearth.models import Incident
from hearth.web.context import WorkspacePage, activate_locale
from hearth.web.crisis_charts import volume_chart
from hearth.web.i18n import _, localtime
from hearth.web.labels import label
from hearth.workspace.queries import list_team

FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
     "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)


@dataclass
class PostMortem:
    incident: Incident
    facts: dict[str, Any]
    points: list[ChartPoint]
    timeline: list[iq.TimelineEntry]
    tasks: list[Any]
    statements: list[Any]
    names: dict[str, str]

    @property
    def peak(self) -> dict[str, Any] | None:
        return self.facts.get("peak")


def _points(facts: dict[str, Any]) -> list[ChartPoint]:
    return [
        ChartPoint(
            ensure_utc(datetime.fromisoformat(p["start"])),
            p["mentions"],
            p["negative"],
            p.get("expected_mentions"),
            p.get("expected_negative"),
        )
        for p in facts.get("series") or []
    ]


def gather(db: Session, page: WorkspacePage, incident: Incident) -> PostMortem:
    points = _points(incident.facts or {})
    return PostMortem(
        incident=incident,
        facts=incident.facts or {},
        points=points,
        timeline=iq.timeline(db, incident, points),
        tasks=iq.tasks(db, incident),
        statements=[s for s in iq.statements(db, incident) if s.state == "approved"],
        names={m.user_id: m.display_name for m in list_team(db, page.workspace.id)},
    )


def event_text(entry: iq.TimelineEntry, names: dict[str, str]) -> str:
    """One timeline line in words, in the viewer's language (shared by the room and exports)."""
    d = entry.data or {}
    texts = {
        "first_signal": _("First signal: mentions above their usual level"),
        "peak": _("Peak: %(n)s mentions in 5 minutes (%(neg)s negative)",
                  n=d.get("mentions", 0), neg=d.get("negative", 0)),
        "opened": _("Incident room opened"),
        "note": _("Note"),
        "lead": _("Lead: %(name)s", name=names.get(d.get("user", ""), "?")),
        "task.added": _("Task added"),
        "task.done": _("Task done"),
        "statement.drafted": _("Holding statement drafted (%(lang)s)",
                               lang=str(d.get("language", "")).upper()),
        "statement.edited": _("Holding statement edited"),
        "statement.approved": _("Holding statement approved (%(lang)s)",
                                lang=str(d.get("language", "")).upper()),
        "statement.withdrawn": _("Holding statement withdrawn"),
        "statement.queued": _("Statement sent to %(where)s", where=label(d.get("where", "?"))),
        "statement.posted": _("Statement posted on %(where)s",
                              where=label(d.get("where") or d.get("platform") or "?")),
        "statement.failed": _("Statement could not be posted on %(where)s: %(error)s",
                              where=label(d.get("platform", "?")), error=d.get("error", "")),
        "moderation.strict": _("Moderation switched to the strict rule set"),
        "moderation.standard": _("Moderation back to the standard rule set"),
        "closed": _("Incident closed"),
    }
    return texts.get(entry.kind, entry.kind)


# --- HTML -------------------------------------------------------------------------------------


def postmortem_html(request: Request, db: Session, page: WorkspacePage, incident: Incident) -> str:
    activate_locale(request)
    report = gather(db, page, incident)
    chart = volume_chart(report.points, _("Mentions since the first signal"))
    template = request.app.state.templates.get_template("crisis/postmortem.html")
    return template.render(
        r=report,
        i=incident,
        workspace=page.workspace,
        chart=chart or Markup(""),
        event_text=event_text,
        minutes=_minutes_text,
        iso_time=lambda value: localtime(datetime.fromisoformat(value), "short"),
    )


def _minutes_text(value: int | None) -> str:
    if value is None:
        return "—"
    hours, minutes = divmod(int(value), 60)
    return _("%(h)s h %(m)s min", h=hours, m=minutes) if hours else _("%(m)s min", m=minutes)


# --- PDF --------------------------------------------------------------------------------------


def _font_files() -> tuple[str, str] | None:
    for regular, bold in FONT_CANDIDATES:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


class _Doc(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        fonts = _font_files()
        if fonts:
            self.add_font("body", "", fonts[0])
            self.add_font("body", "B", fonts[1])
            self.family_name, self.unicode = "body", True
        else:
            self.family_name, self.unicode = "helvetica", False
        self.set_auto_page_break(True, margin=18)
        self.set_margins(16, 16, 16)

    def clean(self, text: str) -> str:
        if self.unicode:
            return text
        # The core font speaks Latin-1: French accents pass, other characters become "?".
        return text.replace("œ", "oe").replace("’", "'").replace("—", "-").replace(
            "…", "...").encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family_name, "", 8)
        self.set_text_color(120)
        self.cell(0, 6, self.clean(f"{self.footer_text} · {self.page_no()}"), align="R")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(3)
        self.set_font(self.family_name, "B", size)
        self.set_text_color(20)
        self.multi_cell(0, 7, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(self.family_name, "", 10)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font(self.family_name, "", size)
        self.set_text_color(40)
        self.multi_cell(0, 5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def pair(self, label: str, value: str, label_width: float = 70) -> None:
        """A label and its value side by side; either may wrap, the next pair starts below both."""
        label, value = self.clean(label), self.clean(value)
        self.set_font(self.family_name, "B", 10)
        label_lines = len(self.multi_cell(label_width, 5.5, label, dry_run=True, output="LINES"))
        self.set_font(self.family_name, "", 10)
        value_lines = len(self.multi_cell(0, 5.5, value, dry_run=True, output="LINES",
                                          new_x=XPos.LMARGIN))
        height = 5.5 * max(label_lines, value_lines)
        if self.get_y() + height > self.h - self.b_margin:
            self.add_page()
        top = self.get_y()
        self.set_font(self.family_name, "B", 10)
        self.multi_cell(label_width, 5.5, label, new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_font(self.family_name, "", 10)
        self.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.TOP)
        self.set_y(top + height)


def _draw_chart(doc: _Doc, points: list[ChartPoint]) -> None:
    """Bars per bucket (negative part darker) and the baseline as a dashed line."""
    if not points:
        return
    x0, width, height = doc.l_margin, doc.w - doc.l_margin - doc.r_margin, 45.0
    if doc.get_y() + height + 8 > doc.h - doc.b_margin:
        doc.add_page()
    y0 = doc.get_y() + 2
    peak = max(max(max(p.mentions, p.expected_mentions or 0) for p in points), 1)
    step = width / len(points)

    def y_of(value: float) -> float:
        return y0 + height - height * value / peak

    doc.set_draw_color(200)
    doc.line(x0, y0 + height, x0 + width, y0 + height)
    for index, p in enumerate(points):
        x = x0 + index * step
        doc.set_fill_color(253, 186, 116)
        if p.mentions:
            doc.rect(x, y_of(p.mentions), max(step - 0.3, 0.2), height * p.mentions / peak, "F")
        doc.set_fill_color(185, 28, 28)
        if p.negative:
            doc.rect(x, y_of(p.negative), max(step - 0.3, 0.2), height * p.negative / peak, "F")
    doc.set_draw_color(29, 78, 216)
    doc.set_line_width(0.4)
    with doc.local_context():
        doc.set_dash_pattern(dash=1.2, gap=0.8)
        previous = None
        for index, p in enumerate(points):
            if p.expected_mentions is None:
                previous = None
                continue
            here = (x0 + index * step + step / 2, y_of(p.expected_mentions))
            if previous:
                doc.line(*previous, *here)
            previous = here
    doc.set_line_width(0.2)
    doc.set_font(doc.family_name, "", 7)
    doc.set_text_color(110)
    doc.set_xy(x0, y0 + height + 0.5)
    doc.cell(width / 2, 4, doc.clean(localtime(points[0].start, "short")))
    doc.cell(width / 2, 4, doc.clean(localtime(points[-1].start, "short")), align="R")
    doc.set_xy(x0, y0 - 1)
    doc.cell(20, 4, str(int(peak)))
    doc.set_y(y0 + height + 6)
    doc.set_font(doc.family_name, "", 8)
    doc.multi_cell(0, 4, doc.clean(
        _("Orange: mentions per 5 minutes; red: negative; dashed blue: the usual level")),
        new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def postmortem_pdf(db: Session, page: WorkspacePage, incident: Incident) -> bytes:
    report = gather(db, page, incident)
    facts = report.facts
    title = f"INC-{incident.number} · {incident.title}"
    doc = _Doc(f"{page.workspace.name} · {title}")
    doc.set_title(title)
    doc.set_creator("Hearth")
    doc.add_page()
    doc.heading(_("Post-mortem: %(title)s", title=title), 16)
    doc.para(f"{page.workspace.name} · {localtime(incident.started_at)} → "
             f"{localtime(incident.closed_at)}", 9)

    doc.heading(_("Key numbers"))
    peak = report.peak
    doc.pair(_("Duration"), _minutes_text(facts.get("duration_minutes")))
    doc.pair(_("From first signal to incident room"), _minutes_text(facts.get("minutes_to_open")))
    doc.pair(_("From first signal to first statement"),
             _minutes_text(facts.get("minutes_to_first_statement")))
    doc.pair(_("Mentions (negative)"), f"{facts.get('mentions', 0)} ({facts.get('negative', 0)})")
    if peak:
        doc.pair(_("Peak"), _("%(n)s mentions in 5 minutes at %(when)s", n=peak["mentions"],
                              when=localtime(datetime.fromisoformat(peak["at"]), "short")))
    doc.pair(_("Statements posted"), str(facts.get("statements_posted", 0)))

    doc.heading(_("Volume and sentiment"))
    _draw_chart(doc, report.points)

    doc.heading(_("What happened"))
    doc.para(incident.summary)
    if incident.lessons:
        doc.heading(_("What we keep and what we change"))
        doc.para(incident.lessons)

    drivers = facts.get("drivers") or {}
    doc.heading(_("Key drivers"))
    if drivers.get("terms"):
        doc.pair(_("Rising terms"), ", ".join(
            t["term"] or f"« {t.get('example') or ''} »" for t in drivers["terms"]))
    for key, heading in (("platforms", _("Networks")), ("languages", _("Languages")),
                         ("authors", _("Most active authors"))):
        if drivers.get(key):
            doc.pair(heading, ", ".join(f"{s['key']} ({s['count']})" for s in drivers[key]))
    for post in drivers.get("top_posts") or []:
        doc.para(f"@{post['author']} ({post['followers']}) · {post['platform']}: {post['text']}",
                 9)

    doc.heading(_("Holding statements"))
    if not report.statements:
        doc.para(_("No statement was approved."))
    for statement in report.statements:
        doc.pair(f"{statement.language.upper()} · {localtime(statement.approved_at, 'short')}",
                 statement.text)

    doc.heading(_("Timeline"))
    for entry in report.timeline:
        line = event_text(entry, report.names)
        if entry.body:
            line += f": {entry.body}"
        who = f" ({entry.actor})" if entry.actor and not entry.actor.startswith("system:") else ""
        doc.pair(localtime(entry.at, "short"), line + who)

    if report.tasks:
        doc.heading(_("Tasks"))
        for task in report.tasks:
            state = _("done") if task.done_at else _("open")
            owner = report.names.get(task.assignee_id or "", "—")
            doc.pair(state, f"{task.title} · {owner}")
    return bytes(doc.output())
