"""Object permissions for taskforce actions, updates and evidence.

Who may do what (views ask `user.has_perm("taskforce.x", obj)`; services trust their callers):

- use_member_pages, add_action: taskforce members, taskforce leads and council staff.
- change_action, submit_action, post_update (an action): its lead member or its creator (while
  they are still a taskforce member), any taskforce lead, council staff.
- review_action (also reviews updates): taskforce leads and council staff with two-factor
  authentication (staff review from /taskforce/my/review/, outside the /staff/ MFA gate, so
  the rule asks for MFA itself).
- view_action: a published public action, everyone; a published internal action, the
  taskforce and staff; an unpublished one (draft, waiting, returned), only its owners and its
  reviewers, so one member's half-written draft is not every member's reading.
- view_evidence: the update is visible (its action visible to the viewer, and the update
  published, or the viewer its author, an owner of the action or a reviewer).
"""

from __future__ import annotations

from typing import Any

import rules

from luton2040.accounts.rules import (
    is_taskforce_lead,
    is_taskforce_member,
    staff_with_mfa,
)

from .models import Action, ActionUpdate, Evidence


def _user_id(user: Any) -> int | None:
    return user.pk if getattr(user, "is_authenticated", False) else None


@rules.predicate
def owns_action(user: Any, action: Action | None) -> bool:
    """The user leads the action or created it."""
    if action is None or _user_id(user) is None:
        return False
    return _user_id(user) in (action.lead_member_id, action.created_by_id)


@rules.predicate
def is_published_public(user: Any, action: Action | None) -> bool:
    return action is not None and action.is_public


@rules.predicate
def is_published(user: Any, action: Action | None) -> bool:
    return action is not None and action.review == Action.Review.PUBLISHED


is_taskforce = is_taskforce_member | is_taskforce_lead | staff_with_mfa
may_review = is_taskforce_lead | staff_with_mfa
may_change = is_taskforce_lead | staff_with_mfa | (is_taskforce_member & owns_action)
may_view_action = (
    is_published_public
    | (is_published & is_taskforce)
    | (is_taskforce_member & owns_action)
    | is_taskforce_lead
    | staff_with_mfa
)


@rules.predicate
def may_view_evidence(user: Any, evidence: Evidence | None) -> bool:
    if evidence is None:
        return False
    update: ActionUpdate = evidence.update
    action = update.action
    if not may_view_action(user, action):
        return False
    if update.review == ActionUpdate.Review.PUBLISHED:
        return True
    if _user_id(user) is not None and update.author_id == _user_id(user):
        return True
    return bool(may_change(user, action))


rules.add_perm("taskforce.use_member_pages", is_taskforce)
rules.add_perm("taskforce.add_action", is_taskforce)
rules.add_perm("taskforce.change_action", may_change)
rules.add_perm("taskforce.submit_action", may_change)
rules.add_perm("taskforce.post_update", may_change)
rules.add_perm("taskforce.review_action", may_review)
rules.add_perm("taskforce.view_action", may_view_action)
rules.add_perm("taskforce.view_evidence", may_view_evidence)
