"""The directory by keyboard: search, filter, open a result, add it to the shortlist, share it.

Also runs axe-core on the states reached along the way, including a shared list with services
in it, which the page sweep cannot reach.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from luton2040 import page_cache

from .conftest import (
    assert_no_axe_violations,
    assert_page_clean,
    press_enter_and_wait,
    start_from_top,
    tab_to,
    visit,
)
from .pages_hubs_public import directory


def test_search_filter_open_and_shortlist_by_keyboard(
    page: Page, request: pytest.FixtureRequest
) -> None:
    food = directory(request)["food"]
    visit(page, reverse("hubs:index"))
    start_from_top(page)

    tab_to(page, "#id_q")
    page.keyboard.type("food bak")
    tab_to(page, "#id_postcode")
    page.keyboard.type("LU2 0DD")
    press_enter_and_wait(page)  # Enter in a field submits the form it belongs to
    assert_page_clean(page)
    assert "Luton Food Bank" in page.inner_text("main")
    assert "Distances are approximate, measured from the centre of LU2." in page.inner_text("main")
    assert_no_axe_violations(page)

    tab_to(page, "input[name=category][value=food]")
    page.keyboard.press("Space")
    tab_to(page, "#directory-search [type=submit]")
    press_enter_and_wait(page)
    assert "category=food" in page.url
    assert "Type of help: Food" in page.inner_text("main")

    tab_to(page, f".app-result a[href='{reverse('hubs:service-detail', kwargs={'slug': food})}']")
    press_enter_and_wait(page)
    assert page.locator("h1").inner_text() == "Luton Food Bank"

    tab_to(page, "form[action$='/shortlist/add/'] [type=submit]")
    press_enter_and_wait(page)
    assert "Added to your shortlist." in page.inner_text("main")
    assert_no_axe_violations(page)

    visit(page, reverse("hubs:shortlist"))
    assert "Luton Food Bank" in page.inner_text("main")
    share = page.locator(".app-share-link a").get_attribute("href")
    assert share
    visit(page, share)
    assert "Luton Food Bank" in page.inner_text("main")
    assert_no_axe_violations(page)


def test_bad_postcode_error_by_keyboard(page: Page, request: pytest.FixtureRequest) -> None:
    directory(request)
    visit(page, reverse("hubs:index"))
    start_from_top(page)
    tab_to(page, "#id_postcode")
    page.keyboard.type("nonsense")
    press_enter_and_wait(page)

    assert page.title().startswith("Error:")
    assert page.locator("#id_postcode").input_value() == "nonsense"
    assert_no_axe_violations(page)


def test_a_visitor_served_the_stored_search_page_gets_working_scripts_and_forms(
    page: Page, new_context: Any, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stored copy carries no one's nonce or token (luton2040/page_cache.py): this visitor's
    # browser must run the page's scripts under their CSP and send their shortlist button.
    directory(request)
    served: list[int] = []
    served_copy = page_cache._served_copy

    def counting(*args: Any) -> Any:
        served.append(1)
        return served_copy(*args)

    monkeypatch.setattr(page_cache, "_served_copy", counting)
    for _ in range(2):  # two other visitors: stored the second time it is asked for
        visit(new_context().new_page(), reverse("hubs:index"))

    visit(page, reverse("hubs:index"))

    assert served == [1]
    assert_page_clean(page)  # no CSP violation: the inline and module scripts carry our nonce
    assert page.evaluate("document.body.classList.contains('js-enabled')")
    assert_no_axe_violations(page)
    tab_to(page, "form[action$='/shortlist/add/'] [type=submit]")
    press_enter_and_wait(page)
    assert "Added to your shortlist." in page.inner_text("main")
    assert_page_clean(page)
