"""Template helpers for the "Get updates" form that domain pages include."""

from __future__ import annotations

from django import template
from django.db import models

from ..subscriptions import target_value

register = template.Library()


@register.filter
def follow_target(obj: models.Model) -> str:
    """The hidden form value naming `obj` as a thing to follow: "app_label.modelname:pk"."""
    return target_value(obj)
