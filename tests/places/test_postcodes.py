"""Postcode lookup: normalising what people type, the offline districts, postcodes.io, distance."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings

from luton2040.places.districts import PostcodeDistrict
from luton2040.places.models import Ward
from luton2040.places.postcodes import (
    InvalidPostcode,
    OfflineBackend,
    PostcodesIoBackend,
    distance_km,
    get_backend,
    lookup_postcode,
    normalise_postcode,
)

# --- normalise_postcode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lu1 2bj", "LU1 2BJ"),
        (" LU12BJ ", "LU1 2BJ"),
        ("lu1   2bj", "LU1 2BJ"),
        ("sw1a1aa", "SW1A 1AA"),
        ("M1 1AE", "M1 1AE"),
    ],
)
def test_normalise_postcode_gives_capitals_and_one_space(typed: str, expected: str) -> None:
    assert normalise_postcode(typed) == expected


@pytest.mark.parametrize("typed", ["hello", "LU1 2B", "12345", "LU1 2BJX", "LUU1 2BJ"])
def test_normalise_postcode_rejects_what_is_not_a_postcode(typed: str) -> None:
    with pytest.raises(InvalidPostcode) as caught:
        normalise_postcode(typed)
    assert caught.value.code == "invalid"
    assert caught.value.messages == ["Enter a real postcode, like LU1 2BQ"]


def test_only_the_first_half_gets_its_own_message() -> None:
    with pytest.raises(InvalidPostcode) as caught:
        normalise_postcode(" lu1 ")
    assert caught.value.code == "partial"
    assert caught.value.messages == [
        "Enter your full postcode, like LU1 2BQ. LU1 is only the first part."
    ]


def test_nothing_typed_asks_for_a_postcode() -> None:
    with pytest.raises(InvalidPostcode) as caught:
        normalise_postcode("   ")
    assert caught.value.code == "required"
    assert caught.value.messages == ["Enter a postcode"]


# --- Offline backend (the default) ----------------------------------------------------------


def test_offline_lookup_of_a_luton_postcode_answers_at_district_level(
    settings: Settings,
) -> None:
    settings.POSTCODE_LOOKUP = "offline"
    result = lookup_postcode("lu2 8dl")
    assert result is not None
    assert result.postcode == "LU2 8DL"
    assert result.district == "LU2"
    assert result.precision == "district"
    assert result.in_luton is True
    # LU2 spans several wards, so the district alone cannot say which.
    assert result.ward is None
    assert result.latitude == pytest.approx(51.88, abs=0.05)
    assert result.longitude == pytest.approx(-0.40, abs=0.05)


@pytest.mark.parametrize("postcode", ["LU5 5AA", "LU6 1AA", "LU7 1AA"])
def test_offline_lookup_knows_lu5_to_lu7_are_outside_luton(postcode: str) -> None:
    result = lookup_postcode(postcode)
    assert result is not None
    assert result.district == postcode.split()[0]
    assert result.in_luton is False
    assert result.ward is None


def test_offline_lookup_of_a_postcode_outside_the_lu_area_is_unknown() -> None:
    assert lookup_postcode("SW1A 1AA") is None
    assert lookup_postcode("AL1 1AA") is None


def test_offline_lookup_rejects_malformed_text() -> None:
    with pytest.raises(InvalidPostcode):
        lookup_postcode("hello")


def test_offline_lookup_names_the_ward_when_a_district_lies_in_one_ward(db: None) -> None:
    backend = OfflineBackend(
        districts={
            "LU9": PostcodeDistrict(
                district="LU9", latitude=51.9, longitude=-0.4, ward_slugs=("poets",), in_luton=True
            )
        }
    )
    result = backend.lookup("LU9 1AA")
    assert result is not None
    assert result.ward == Ward.objects.get(slug="poets")


# --- postcodes.io backend, against a fake server -------------------------------------------


def postcodes_io(handler: Any) -> PostcodesIoBackend:
    return PostcodesIoBackend(
        base_url="https://postcodes.test/", transport=httpx.MockTransport(handler)
    )


def found(**result: Any) -> httpx.Response:
    return httpx.Response(200, json={"status": 200, "result": result})


def test_postcodes_io_answer_is_matched_to_our_ward_by_name(db: None) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return found(
            postcode="LU1 2BQ",
            outcode="LU1",
            latitude=51.8797,
            longitude=-0.4175,
            admin_district="Luton",
            admin_ward="south",
            codes={"admin_district": "E06999999", "admin_ward": "E05999999"},
        )

    result = postcodes_io(handler).lookup("LU1 2BQ")

    assert [(r.method, r.url.host, r.url.path) for r in requests] == [
        ("GET", "postcodes.test", "/postcodes/LU1 2BQ")
    ]
    assert result is not None
    assert result.ward == Ward.objects.get(slug="south")
    assert (result.postcode, result.district) == ("LU1 2BQ", "LU1")
    assert (result.latitude, result.longitude) == (51.8797, -0.4175)
    assert result.precision == "postcode"
    assert result.in_luton is True


def test_postcodes_io_ward_of_the_same_name_elsewhere_is_not_ours(db: None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return found(
            postcode="LU6 1AA",
            outcode="LU6",
            latitude=51.88,
            longitude=-0.52,
            admin_district="Central Bedfordshire",
            admin_ward="South",
        )

    result = postcodes_io(handler).lookup("LU6 1AA")
    assert result is not None
    assert result.in_luton is False
    assert result.ward is None


def test_postcodes_io_not_found_means_no_such_postcode(db: None) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"status": 404, "error": "Postcode not found"})

    assert postcodes_io(handler).lookup("LU2 9ZZ") is None


def test_postcodes_io_timeout_falls_back_to_offline_and_warns(
    db: None, caplog: pytest.LogCaptureFixture
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    with caplog.at_level(logging.WARNING, logger="luton2040.places.postcodes"):
        result = postcodes_io(handler).lookup("LU2 8DL")

    assert result is not None
    assert (result.district, result.precision, result.in_luton) == ("LU2", "district", True)
    assert len(caplog.records) == 1
    message = caplog.records[0].getMessage()
    assert "ConnectTimeout" in message
    assert "LU2" in message
    assert "8DL" not in message  # the full postcode stays out of the logs


@pytest.mark.parametrize(
    "response",
    [httpx.Response(500, text="Internal Server Error"), httpx.Response(200, text="<html>")],
)
def test_postcodes_io_errors_fall_back_to_offline(db: None, response: httpx.Response) -> None:
    result = postcodes_io(lambda request: response).lookup("LU4 9AA")
    assert result is not None
    assert (result.district, result.precision) == ("LU4", "district")


# --- Choosing the backend -------------------------------------------------------------------


def test_settings_choose_the_postcodes_io_backend(settings: Settings) -> None:
    settings.POSTCODE_LOOKUP = "postcodes.io"
    settings.POSTCODES_IO_URL = "https://postcodes.example/"
    backend = get_backend()
    assert isinstance(backend, PostcodesIoBackend)
    assert backend.base_url == "https://postcodes.example"


def test_offline_is_the_backend_in_tests() -> None:
    assert isinstance(get_backend(), OfflineBackend)


def test_an_unknown_backend_name_is_a_configuration_error(settings: Settings) -> None:
    settings.POSTCODE_LOOKUP = "guesswork"
    with pytest.raises(ImproperlyConfigured, match="guesswork"):
        get_backend()


# --- Distance -------------------------------------------------------------------------------


def test_distance_km_is_the_great_circle_distance() -> None:
    # One degree along a meridian is 1/360 of the Earth's circumference: about 111.2 km.
    assert distance_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.195, abs=0.01)
    # A quarter of the way round the equator.
    assert distance_km(0.0, 0.0, 0.0, 90.0) == pytest.approx(10007.56, abs=0.1)
    assert distance_km(51.88, -0.42, 51.88, -0.42) == 0.0
    assert distance_km(51.88, -0.42, 51.94, -0.66) == pytest.approx(
        distance_km(51.94, -0.66, 51.88, -0.42)
    )
