"""The areas of a workspace, in the order of the navigation, with what each will hold."""

from __future__ import annotations

from dataclasses import dataclass

from hearth.authz.roles import Permission
from hearth.web.i18n import N_, _


@dataclass(frozen=True)
class Area:
    slug: str
    label: str  # English source; translated when rendered
    permission: Permission
    blurb: str
    shortcut: str


AREAS: tuple[Area, ...] = (
    Area(
        "inbox",
        N_("Inbox"),
        Permission.MENTIONS_VIEW,
        N_(
            "Every conversation that needs the brand: questions, complaints, direct messages, "
            "routed to the right person and answered in the brand's voice."
        ),
        "i",
    ),
    Area(
        "listening",
        N_("Listening"),
        Permission.MENTIONS_VIEW,
        N_("What is said about the brand across networks, live, filtered by your saved queries."),
        "l",
    ),
    Area(
        "moderation",
        N_("Moderation"),
        Permission.MODERATION_ACT,
        N_(
            "Reports and flagged messages judged against your published rules, with reasons, "
            "appeals and a transparency report."
        ),
        "m",
    ),
    Area(
        "publishing",
        N_("Publishing"),
        Permission.PUBLISH_DRAFT,
        N_("Plan, approve and schedule posts per network, and see what resonated."),
        "p",
    ),
    Area(
        "crisis",
        N_("Crisis"),
        Permission.CRISIS_VIEW,
        N_("Alerts when a negative wave starts, and the incident room to answer with one voice."),
        "c",
    ),
    Area(
        "members",
        N_("Members"),
        Permission.MENTIONS_VIEW,
        N_(
            "The people of your community across networks: advocates, newcomers, those drifting "
            "away."
        ),
        "b",
    ),
    Area(
        "analytics",
        N_("Analytics"),
        Permission.ANALYTICS_VIEW,
        N_("Volumes, sentiment, response times and reach, by network, language and topic."),
        "a",
    ),
    Area(
        "privacy",
        N_("Privacy"),
        Permission.PRIVACY_VIEW,
        N_("What Hearth keeps about members and why; data export and erasure requests (GDPR)."),
        "g",
    ),
)

AREA_BY_SLUG = {area.slug: area for area in AREAS}


def translated_labels() -> None:  # shown through _(name) in templates
    _("Settings")


def translated_roles() -> None:  # role names are shown through _(role)
    _("owner"), _("admin"), _("manager"), _("agent"), _("moderator"), _("analyst"), _("viewer")


def translated_errors() -> None:  # messages of errors users meet in forms, translated on display
    _("Not found."), _("You may not do this."), _("The input is not valid.")
    _("The form expired or did not come from Hearth. Reload the page and try again.")
    _("you cannot invite someone with a role above your own")
    _("this person is already a member"), _("A workspace must keep at least one owner.")
    _("you cannot give or change this role"), _("you cannot remove this member")
    _("enter a valid e-mail address"), _("use at least 10 characters")
    _("the current password is wrong"), _("Wrong e-mail or password.")
    _("This invitation link is invalid, expired, revoked or already used.")
    _("this teammate belongs to workspaces you do not administer")
    _("give the token a name of at most 200 characters"), _("choose at least one scope")
    _("a token cannot hold more than your role allows"), _("Please log in.")
    _("An account with this e-mail already exists.")


def translated_labels_of_enrichment() -> None:  # shown through _(label) in Listening
    _("question"), _("complaint"), _("praise"), _("purchase_intent"), _("feature_request")
    _("spam_scam"), _("other"), _("post"), _("reply"), _("repost"), _("article"), _("email")
    _("dm"), _("insult"), _("threat"), _("identity_attack"), _("harassment"), _("sexual")
    _("profanity"), _("give the query a name of at most 200 characters")
    _("the query is empty or longer than 2000 characters")


def translated_inbox_errors() -> None:  # inbox errors shown in forms, translated on display
    _("A teammate replied while you were writing: read their reply, then send yours if needed.")
    _("write a reply first"), _("the reply is too long"), _("this person is not in the team")
    _("a note holds between 1 and 10,000 characters"), _("snooze until a time in the next 90 days")
    _("choose a rating from 1 to 5"), _("this survey was already answered: thank you!")


def translated_outbound_errors() -> None:  # kit/netguard.py refusals, shown in forms and tests
    _("this address leads to a private or internal network, where Hearth does not connect "
      "(an operator can allow it with HEARTH_OUTBOUND_ALLOW)")
    _("only http:// and https:// addresses are allowed")
    _("put the user name and password in their own fields, not in the address")
    _("this is not a valid address")
