"""Rendering an outbox row into what people read: subject, plain text and HTML.

Templates live in templates/emails/: `<name>.subject.txt`, `<name>.txt` and `<name>.html`, where
`<name>` is the kind's template name; the text and HTML bodies extend `emails/layout.txt` and
`emails/layout.html`, which add the greeting-free footer with the unsubscribe link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.utils import translation

from . import kinds, links
from .models import Notification

# Kinds that cannot be switched off carry an unsubscribe link only when there is something to
# stop: a follow confirmation can be declined (the pending follow is dropped), and a daily
# summary exists only because someone chose "daily" (stopping it switches that choice off).
# Account security messages have nothing to stop, and a link there would suggest otherwise.
_ALWAYS_SENT_WITH_UNSUBSCRIBE = frozenset({"follow.confirm", "digest.daily"})


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def unsubscribe_url_for(notification: Notification) -> str | None:
    """The one-click unsubscribe URL for this message, or None when it has nothing to stop."""
    kind = kinds.get(notification.kind)
    if (
        kind.can_switch_off
        or notification.kind in _ALWAYS_SENT_WITH_UNSUBSCRIBE
        or notification.subscription_id is not None
    ):
        return links.unsubscribe_url(notification.pk)
    return None


def message_id_for(notification: Notification) -> str:
    """The Message-ID of this row's email: derived from the outbox id alone, so a message sent
    again after a crash (between sending and recording it) is recognisably the same message."""
    domain = urlsplit(settings.SITE_URL).hostname or "luton2040.invalid"
    return f"<notification.{notification.pk}@{domain}>"


def render(notification: Notification, *, unsubscribe_url: str | None) -> RenderedEmail:
    """Subject, text and HTML for one outbox row, in the site's language. Raises LookupError
    for an unknown kind and TemplateDoesNotExist for a kind without templates."""
    name = f"emails/{kinds.get(notification.kind).template_name}"
    context: dict[str, Any] = {
        **notification.context,
        "recipient_name": notification.user.full_name if notification.user else "",
        "unsubscribe_url": unsubscribe_url,
        "site_url": settings.SITE_URL,
    }
    # Messages are written without a request, so no user's browser language is active.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _render_plain(f"{name}.subject.txt", context)
        text = _render_plain(f"{name}.txt", context)
        html = render_to_string(f"{name}.html", context)
    return RenderedEmail(subject=" ".join(subject.split()), text=_tidy(text), html=html)


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    # Plain text is not HTML: "&" must stay "&", so autoescaping is off for these templates.
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def _tidy(text: str) -> str:
    # Template tags leave runs of blank lines behind; mail clients show them all.
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
