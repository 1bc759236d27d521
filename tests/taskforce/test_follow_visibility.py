"""Following an action: only public, published actions, so the follow form cannot reveal an
internal or unpublished action's title."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from luton2040.notifications.models import Subscription

from ..factories import ActionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "hidden", [{"visibility": "internal"}, {"review": "draft", "published_at": None}]
)
def test_a_hidden_action_cannot_be_followed_and_its_title_is_not_shown(
    client, resident, hidden
) -> None:  # type: ignore[no-untyped-def]
    cache.clear()  # the follow form counts requests in the cache
    action = ActionFactory(title="Confidential plan", **hidden)
    client.force_login(resident)

    for response in (
        client.get(reverse("notifications:follow"), {"target": f"taskforce.action:{action.pk}"}),
        client.post(reverse("notifications:follow"), {"target": f"taskforce.action:{action.pk}"}),
    ):
        assert "Confidential plan" not in response.content.decode()
    assert not Subscription.objects.exists()


def test_a_public_action_can_be_followed(client, resident) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    action = ActionFactory(title="Open plan")
    client.force_login(resident)

    client.post(reverse("notifications:follow"), {"target": f"taskforce.action:{action.pk}"})

    assert Subscription.objects.get().target == action
