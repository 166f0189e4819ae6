"""The areas of a workspace, in the order of the navigation, with what each will hold."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.authz.roles import Permission
from hearth.web.i18n import _


@dataclass(frozen=True)
class Area:
    slug: str
    label: str  # English source; translated when rendered
    permission: Permission
    blurb: str
    shortcut: str


AREAS: tuple[Area, ...] = (
    Area("inbox", "Inbox", Permission.MENTIONS_VIEW,
         "Every conversation that needs the brand: questions, complaints, direct messages, "
         "routed to the right person and answered in the brand's voice.", "i"),
    Area("listening", "Listening", Permission.MENTIONS_VIEW,
         "What is said about the brand across networks, live, filtered by your saved queries.",
         "l"),
    Area("moderation", "Moderation", Permission.MODERATION_ACT,
         "Reports and flagged messages judged against your published rules, with reasons, "
         "appeals and a transparency report.", "m"),
    Area("publishing", "Publishing", Permission.PUBLISH_DRAFT,
         "Plan, approve and schedule posts per network, and see what resonated.", "p"),
    Area("crisis", "Crisis", Permission.CRISIS_VIEW,
         "Alerts when a negative wave starts, and the incident room to answer with one voice.",
         "c"),
    Area("members", "Members", Permission.MENTIONS_VIEW,
         "The people of your community across networks: advocates, newcomers, those drifting "
         "away.", "b"),
    Area("analytics", "Analytics", Permission.ANALYTICS_VIEW,
         "Volumes, sentiment, response times and reach, by network, language and topic.", "a"),
    Area("privacy", "Privacy", Permission.PRIVACY_VIEW,
         "What Hearth keeps about members and why; data export and erasure requests (GDPR).",
         "g"),
)

AREA_BY_SLUG = {area.slug: area for area in AREAS}


def translated_labels() -> None:  # the strings above, marked for the catalogue extractor
    _("Inbox"), _("Listening"), _("Moderation"), _("Publishing"), _("Crisis"), _("Members")
    _("Analytics"), _("Privacy"), _("Settings")
