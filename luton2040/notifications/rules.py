"""Who may see and act on the outbox: council staff (staff pages also need MFA, by middleware)."""

from __future__ import annotations

import rules

from luton2040.accounts.rules import is_council_staff

rules.add_perm("notifications.view_outbox", is_council_staff)
rules.add_perm("notifications.retry_notification", is_council_staff)
