"""Bundled facts about the LU postcode districts, for the offline postcode lookup.

The offline lookup answers at district level only ("LU2"), so it needs three facts per district:

- `latitude` / `longitude`: an approximate point for the district, for rough "near me" sorting.
  Source: a public list of outward codes with coordinates (GitHub ronar/partner-web-app,
  src/areas.ts). These look like post-town points rather than true centroids: LU3's point sits
  close to the town centre although LU3 covers north Luton. Treat them as approximate to a few
  kilometres, and replace them with postcodes.io's outcode means
  (GET https://api.postcodes.io/outcodes/LU3 -> result.latitude / result.longitude) when someone
  can reach the network.
- `ward_slugs`: the Luton wards (2023 boundaries) with at least part of their area in the
  district. Approximate, from local knowledge of where the wards lie; not yet checked against
  ONS data, and Poets is not placed at all. Only used when a district maps to exactly one ward,
  which none of LU1 to LU4 does, so today it never decides an answer. Check it against
  postcodes.io's outcode `admin_ward` lists before relying on it.
- `in_luton`: whether the district is mostly inside Luton borough. LU1 to LU4 are mostly Luton
  (with edges outside: Caddington and Slip End in LU1, Lilley and Cockernhoe in LU2, Streatley
  and Sundon in LU3); LU5, LU6 and LU7 are Houghton Regis, Dunstable and Leighton Buzzard in
  Central Bedfordshire (LU7 reaches into Buckinghamshire).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PostcodeDistrict:
    district: str
    latitude: float
    longitude: float
    ward_slugs: tuple[str, ...]
    in_luton: bool


LU_DISTRICTS: dict[str, PostcodeDistrict] = {
    d.district: d
    for d in (
        PostcodeDistrict(
            district="LU1",
            latitude=51.879977,
            longitude=-0.422926,
            ward_slugs=("beech-hill", "dallow", "farley", "south"),
            in_luton=True,
        ),
        PostcodeDistrict(
            district="LU2",
            latitude=51.879843,
            longitude=-0.403012,
            ward_slugs=("barnfield", "crawley", "high-town", "round-green", "stopsley", "wigmore"),
            in_luton=True,
        ),
        PostcodeDistrict(
            district="LU3",
            latitude=51.885732,
            longitude=-0.424963,
            ward_slugs=("barnfield", "biscot", "icknield", "limbury", "northwell", "sundon-park"),
            in_luton=True,
        ),
        PostcodeDistrict(
            district="LU4",
            latitude=51.892716,
            longitude=-0.472516,
            ward_slugs=("beech-hill", "challney", "leagrave", "lewsey", "saints"),
            in_luton=True,
        ),
        PostcodeDistrict(
            district="LU5",
            latitude=51.880786,
            longitude=-0.510579,
            ward_slugs=(),
            in_luton=False,
        ),
        PostcodeDistrict(
            district="LU6",
            latitude=51.892097,
            longitude=-0.534896,
            ward_slugs=(),
            in_luton=False,
        ),
        PostcodeDistrict(
            district="LU7",
            latitude=51.941678,
            longitude=-0.655559,
            ward_slugs=(),
            in_luton=False,
        ),
    )
}
