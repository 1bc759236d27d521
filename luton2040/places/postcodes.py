"""Postcode lookup: where a postcode is, which Luton ward it is in, and how sure we are.

`lookup_postcode(text)` is the one entry point. The backend comes from settings.POSTCODE_LOOKUP:

- "offline" (the default): bundled data for the LU postcode districts (see districts.py). No
  network, so the demo and the tests never depend on anything outside the machine. Answers at
  district precision ("LU2"), with a ward only when a district lies in exactly one ward.
- "postcodes.io": the public API at settings.POSTCODES_IO_URL (or a self-hosted copy). Answers
  at postcode precision with the ward. When the API cannot be reached it falls back to the
  offline answer, so a search by postcode keeps working, only less precisely.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import quote

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

from .districts import LU_DISTRICTS, PostcodeDistrict
from .models import Ward
from .selectors import ward_get, ward_match

logger = logging.getLogger(__name__)

# The shape of a UK postcode with the space taken out: outward code (A9, A99, AA9, AA99, A9A,
# AA9A) then inward code (9AA). Shape only: whether the postcode exists is the backend's answer.
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

# Mean radius of the Earth (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088

# Long enough for a healthy API (it answers in well under a second), short enough that a person
# waiting on a search page gets the offline answer quickly when it is not healthy.
POSTCODES_IO_TIMEOUT_SECONDS = 3.0

Precision = Literal["district", "postcode"]


class InvalidPostcode(ValidationError):
    """The text is not shaped like a UK postcode. A ValidationError, so a form's clean method can
    let it through and the person sees the message beside the field."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class PostcodeResult:
    postcode: str  # normalised: "LU1 2BQ"
    district: str  # the outward code: "LU1"
    latitude: float | None
    longitude: float | None
    ward: Ward | None
    precision: Precision  # "district": the position is the district's, not the postcode's
    in_luton: bool


class PostcodeBackend(Protocol):
    def lookup(self, postcode: str) -> PostcodeResult | None:
        """Look up a normalised postcode; None when it is unknown."""
        ...


def normalise_postcode(text: str) -> str:
    """Return the postcode in capitals with one space ("LU1 2BQ"), or raise InvalidPostcode."""
    compact = "".join(str(text).split()).upper()
    if not compact:
        raise InvalidPostcode(_("Enter a postcode"), code="required")
    match = _POSTCODE_RE.match(compact)
    if match is None:
        if _OUTWARD_RE.match(compact):
            raise InvalidPostcode(
                _("Enter your full postcode, like LU1 2BQ. %(district)s is only the first part.")
                % {"district": compact},
                code="partial",
            )
        raise InvalidPostcode(_("Enter a real postcode, like LU1 2BQ"), code="invalid")
    outward, inward = match.groups()
    return f"{outward} {inward}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in kilometres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class OfflineBackend:
    """District-level answers from bundled data; no network."""

    def __init__(self, districts: Mapping[str, PostcodeDistrict] = LU_DISTRICTS) -> None:
        self.districts = districts

    def lookup(self, postcode: str) -> PostcodeResult | None:
        district_code = postcode.split(" ", 1)[0]
        district = self.districts.get(district_code)
        if district is None:
            return None
        # A district spanning several wards says nothing about which one a person is in.
        ward = ward_get(district.ward_slugs[0]) if len(district.ward_slugs) == 1 else None
        return PostcodeResult(
            postcode=postcode,
            district=district_code,
            latitude=district.latitude,
            longitude=district.longitude,
            ward=ward,
            precision="district",
            in_luton=district.in_luton,
        )


class PostcodesIoBackend:
    """Postcode-level answers from postcodes.io, falling back to offline data when it is down."""

    def __init__(
        self,
        *,
        base_url: str,
        timeout: float = POSTCODES_IO_TIMEOUT_SECONDS,
        transport: httpx.BaseTransport | None = None,
        fallback: PostcodeBackend | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.transport = transport  # None: httpx's own; a deployment may pass a proxy transport
        self.fallback = fallback if fallback is not None else OfflineBackend()

    def lookup(self, postcode: str) -> PostcodeResult | None:
        url = f"{self.base_url}/postcodes/{quote(postcode)}"
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                response = client.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            return self._fall_back(postcode, reason=type(exc).__name__)
        if response.status_code == 404:  # postcodes.io's answer for a postcode that does not exist
            return None
        if response.status_code != 200:
            return self._fall_back(postcode, reason=f"HTTP {response.status_code}")
        try:
            return self._parse(postcode, response.json()["result"])
        except (ValueError, KeyError, TypeError) as exc:
            return self._fall_back(postcode, reason=f"unexpected response ({type(exc).__name__})")

    def _parse(self, postcode: str, result: dict[str, Any]) -> PostcodeResult:
        in_luton = str(result.get("admin_district") or "").strip().casefold() == "luton"
        codes = result.get("codes") or {}
        # Only Luton's own wards can match: other boroughs have wards called "South" too.
        ward = (
            ward_match(
                name=str(result.get("admin_ward") or ""),
                gss_code=str(codes.get("admin_ward") or ""),
            )
            if in_luton
            else None
        )
        latitude, longitude = result.get("latitude"), result.get("longitude")
        return PostcodeResult(
            postcode=str(result.get("postcode") or postcode),
            district=str(result.get("outcode") or postcode.split(" ", 1)[0]),
            latitude=float(latitude) if latitude is not None else None,
            longitude=float(longitude) if longitude is not None else None,
            ward=ward,
            precision="postcode",
            in_luton=in_luton,
        )

    def _fall_back(self, postcode: str, *, reason: str) -> PostcodeResult | None:
        # Only the district is logged: a full postcode can point at one household.
        logger.warning(
            "postcodes.io lookup failed (%s); answering %s from offline district data",
            reason,
            postcode.split(" ", 1)[0],
        )
        return self.fallback.lookup(postcode)


# settings.POSTCODE_LOOKUP -> how to build that backend. Add an entry to add a backend.
BACKENDS: dict[str, Callable[[], PostcodeBackend]] = {
    "offline": OfflineBackend,
    "postcodes.io": lambda: PostcodesIoBackend(base_url=settings.POSTCODES_IO_URL),
}


def get_backend() -> PostcodeBackend:
    """The backend settings.POSTCODE_LOOKUP names."""
    name = getattr(settings, "POSTCODE_LOOKUP", "offline")
    try:
        factory = BACKENDS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"POSTCODE_LOOKUP={name!r} is not a postcode backend; use one of {sorted(BACKENDS)}."
        ) from None
    return factory()


def lookup_postcode(text: str) -> PostcodeResult | None:
    """Where a postcode is; None when it is unknown. Raises InvalidPostcode for malformed text."""
    return get_backend().lookup(normalise_postcode(text))
