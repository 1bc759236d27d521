"""Resident pages: find support, community hubs, services and the shortlist. No sign-in needed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luton2040.page_cache import visitor_page_cache

from .. import opening
from ..filters import DIRECTORY_CACHE_SECONDS, HubFilter, ServiceFilter, directory_version
from ..forms import ShortlistForm
from ..models import Location, Service
from ..selectors import cards
from ..selectors import directory as selectors

RESULTS_PER_PAGE = 20
HUBS_PER_PAGE = 20
SHORTLIST_SESSION_KEY = "hubs_shortlist"
DEFAULT_MAP_URL = "https://www.openstreetmap.org/"


def _optional_url(name: str, **kwargs: Any) -> str | None:
    """A URL from another area that may not be wired yet (listing feedback): None until it is."""
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _map_url(location: Location) -> str | None:
    """A link to the place on OpenStreetMap: nothing loads from it until the resident clicks."""
    if location.latitude is None or location.longitude is None:
        return None
    base = getattr(settings, "HUBS_MAP_URL", DEFAULT_MAP_URL)
    lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
    return f"{base}?{urlencode({'mlat': lat, 'mlon': lon})}#map=17/{lat}/{lon}"


def _shortlist(request: HttpRequest) -> list[str]:
    return selectors.parse_uuids(request.session.get(SHORTLIST_SESSION_KEY, []))


def _page(request: HttpRequest, items: Any, per_page: int) -> tuple[Paginator, Any]:
    paginator = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return paginator, page


def _directory_now(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    """What the search and hub pages depend on besides their address and language: the
    directory's data and the minute ("open now", "closes soon" and today's times; times are whole
    minutes). The UTC offset tells apart the two 01:00s of the day the clocks go back."""
    return f"hubs:{directory_version()}:{opening.local_now():%Y-%m-%dT%H:%M%z}"


# A visitor who is not signed in is served a stored copy of the whole page for the rest of the
# minute while the directory is unchanged (luton2040/page_cache.py): most people searching are
# residents without an account, and a popular search or hub is then rendered once a minute.
directory_page_cache = visitor_page_cache(key=_directory_now, seconds=DIRECTORY_CACHE_SECONDS)


# --- search ------------------------------------------------------------------------------------


@directory_page_cache
def index(request: HttpRequest) -> HttpResponse:
    moment = opening.local_now()
    filters = ServiceFilter(request.GET, moment=moment)
    search = selectors.service_search_page(filters=filters)
    facets = search.counts.facets
    labels = {name: {o.value: o.label for o in options} for name, options in facets.items()}
    paginator, page = _page(request, search.ids, RESULTS_PER_PAGE)
    place = getattr(filters.form, "place", None)
    return render(
        request,
        "hubs/service_search.html",
        {
            "filters": filters,
            "form": filters.form,
            "option_rows": cards.filter_options(filters, facets),
            "selected_filters": filters.selected(labels),
            "cards": cards.result_cards(
                page.object_list, version=filters.version, moment=moment, near=place
            ),
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "place": place,
            "query": filters.cleaned().get("q", ""),
            "matching_hubs": search.hubs,
            "shortlist": set(_shortlist(request)),
            "next_url": request.get_full_path(),
        },
    )


# --- hubs --------------------------------------------------------------------------------------


def hub_list(request: HttpRequest) -> HttpResponse:
    moment = opening.local_now()
    filters = HubFilter(request.GET, today=moment.date())
    paginator, page = _page(request, selectors.hub_list(filters=filters), HUBS_PER_PAGE)
    return render(
        request,
        "hubs/location_list.html",
        {
            "form": filters.form,
            "cards": selectors.hub_cards(page.object_list, moment=moment),
            "page_obj": page,
            "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filtered": any(request.GET.get(name) for name in ("ward", "open_today")),
        },
    )


def _hub_parts(hub: Location, *, today: dt.date) -> dict[str, str]:
    """The parts of a hub page that are the same all day: what's on today, and everything
    below the "today" box (address, timetable, services, contact). Needs ``hub_get``."""
    timetable = selectors.hub_timetable(hub, start=today)
    running_today = [e for e in timetable[0].entries if e.service and e.times.sessions]
    return {
        "on_today": render_to_string(
            "hubs/includes/hub_on_today.html", {"running_today": running_today}
        ).strip(),
        "details": render_to_string(
            "hubs/includes/hub_details.html",
            {"hub": hub, "timetable": timetable, "map_url": _map_url(hub)},
        ),
    }


@directory_page_cache
def hub_detail(request: HttpRequest, slug: str) -> HttpResponse:
    moment = opening.local_now()
    # The day's part of the page is cached under the directory version (any saved change to a
    # service, place or timetable row added shows at once; see DIRECTORY_CACHE_SECONDS), so a
    # busy hub's timetable is worked out about once a minute, not on every request.
    key = f"hubs:hub-page:{slug}:{directory_version()}:{moment.date()}:{get_language()}"
    parts: dict[str, str] | None = cache.get(key)
    hub = selectors.hub_summary(slug=slug) if parts is not None else selectors.hub_get(slug=slug)
    if hub is None:
        raise Http404
    if parts is None:
        parts = _hub_parts(hub, today=moment.date())
        cache.set(key, parts, timeout=DIRECTORY_CACHE_SECONDS)
    schedules, exceptions = opening.location_rows(hub)
    state = (
        opening.state_at(schedules=schedules, exceptions=exceptions, moment=moment)
        if schedules or exceptions
        else None
    )
    return render(
        request,
        "hubs/location_detail.html",
        {
            "hub": hub,
            "state": state,
            "on_today": mark_safe(parts["on_today"]),  # noqa: S308  our templates' output
            "details": mark_safe(parts["details"]),  # noqa: S308
        },
    )


# --- services ----------------------------------------------------------------------------------


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_get(slug=slug)
    if service is None:
        raise Http404
    if not service.is_listed:
        # A closed listing keeps its address: people follow old links and printed lists. Closed
        # for good answers 410 Gone (search engines drop it); "not running at the moment" may
        # return, so 404.
        status = 410 if service.status == Service.Status.DEFUNCT else 404
        return render(request, "hubs/service_closed.html", {"service": service}, status=status)
    moment = opening.local_now()
    today = moment.date()
    return render(
        request,
        "hubs/service_detail.html",
        {
            "service": service,
            "places": selectors.place_times(service, moment=moment, week_days=7),
            "programmes": [a.taxonomy_term.name for a in service.programme_attributes],  # type: ignore[attr-defined]
            "eligibility_terms": [
                a.taxonomy_term.name
                for a in service.eligibility_attributes  # type: ignore[attr-defined]
            ],
            "stale": selectors.is_stale(service.assured_date, today=today),
            "report_url": _optional_url("hubs:report-create", slug=service.slug),
            "usefulness_url": _optional_url("hubs:usefulness", slug=service.slug),
            "shortlist_set": set(_shortlist(request)),
            "next_url": request.get_full_path(),
        },
    )


# --- shortlist ---------------------------------------------------------------------------------


def _shortlist_page(request: HttpRequest, uuids: list[str], *, shared: bool) -> HttpResponse:
    moment = opening.local_now()
    services = selectors.shortlist_services(uuids=uuids)
    share_query = urlencode([("s", str(s.uuid)) for s in services])
    return render(
        request,
        "hubs/shortlist.html",
        {
            "cards": selectors.service_cards(services, moment=moment),
            "shared": shared,
            "share_url": request.build_absolute_uri(
                f"{reverse('hubs:shortlist-shared')}?{share_query}"
            )
            if services
            else "",
            "shortlist": {str(s.uuid) for s in services} if not shared else set(),
            "next_url": request.get_full_path(),
            "max_items": selectors.SHORTLIST_MAX,
        },
    )


def shortlist(request: HttpRequest) -> HttpResponse:
    return _shortlist_page(request, _shortlist(request), shared=False)


def shortlist_shared(request: HttpRequest) -> HttpResponse:
    return _shortlist_page(request, selectors.parse_uuids(request.GET.getlist("s")), shared=True)


def _back(request: HttpRequest, form: ShortlistForm) -> HttpResponseRedirect:
    target = form.data.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("hubs:shortlist")
    return HttpResponseRedirect(target)


@require_POST
def shortlist_add(request: HttpRequest) -> HttpResponse:
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("That service could not be added: it is no longer listed."))
        return _back(request, form)
    uuids = _shortlist(request)
    value = str(form.cleaned_data["service"])
    if value in uuids:
        pass  # adding twice changes nothing
    elif len(uuids) >= selectors.SHORTLIST_MAX:
        messages.error(
            request,
            _("Your shortlist is full (%(max)d services). Remove one to add another.")
            % {"max": selectors.SHORTLIST_MAX},
        )
        return _back(request, form)
    else:
        uuids.append(value)
        request.session[SHORTLIST_SESSION_KEY] = uuids
    messages.success(request, _("Added to your shortlist."))
    return _back(request, form)


@require_POST
def shortlist_remove(request: HttpRequest) -> HttpResponse:
    form = ShortlistForm(request.POST)
    # Removing needs no check that the service is still listed: a closed one must go too.
    value = str(form.data.get("service", ""))
    uuids = _shortlist(request)
    if value in uuids:
        uuids.remove(value)
        request.session[SHORTLIST_SESSION_KEY] = uuids
        messages.success(request, _("Removed from your shortlist."))
    return _back(request, form)
