"""Words for the stable vocabularies shown to people (timeline steps, SLA clocks), in the
catalogue so they translate; the stored values stay dotted names."""

from __future__ import annotations

from hearth.web.i18n import N_, gettext

LABELS: dict[str, str] = {
    "state.opened": N_("conversation opened"),
    "state.reopened": N_("reopened"),
    "state.pending": N_("waiting on the customer"),
    "state.snoozed": N_("snoozed"),
    "state.closed": N_("closed"),
    "assigned": N_("assigned"),
    "tagged": N_("tagged"),
    "priority.changed": N_("priority changed"),
    "escalated": N_("escalated"),
    "rule.applied": N_("routing rule applied"),
    "reply.queued": N_("reply sent"),
    "note.added": N_("note"),
    "first_response": N_("First response due"),
    "next_response": N_("Next response due"),
    "resolution": N_("Resolution due"),
    "open": N_("open"),
    "pending": N_("waiting on customer"),
    "snoozed": N_("snoozed"),
    "closed": N_("closed"),
    "urgent": N_("urgent"),
    "high": N_("high"),
    "normal": N_("normal"),
    "low": N_("low"),
    "friendly": N_("friendly"),
    "formal": N_("formal"),
    "playful": N_("playful"),
    "none": N_("none"),
    "sparingly": N_("sparingly"),
    "free": N_("free"),
    # Incident room: statements, their posts, the moderation mode, sentiments.
    "draft": N_("draft"),
    "approved": N_("approved"),
    "withdrawn": N_("withdrawn"),
    "queued": N_("queued"),
    "sending": N_("sending"),
    "sent": N_("posted"),
    "failed": N_("failed"),
    "unknown": N_("not confirmed yet"),
    "standard": N_("standard"),
    "strict": N_("strict"),
    "negative": N_("negative"),
    "positive": N_("positive"),
    "neutral": N_("neutral"),
    "Demo network (simulated)": N_("Demo network (simulated)"),
    "simulated": N_("Demo network (simulated)"),
}


def label(value: str | None) -> str:
    """The translated words for a stored value; unknown values are shown as they are."""
    if not value:
        return ""
    return gettext(LABELS.get(value, value))
