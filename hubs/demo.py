"""Demo directory data: invented Luton hubs and services, every one labelled as demo data.

Everything here is made up: the organisations, hubs and services do not exist, the addresses
are not real premises, the phone numbers are Ofcom's drama range (01632 960xxx) and the email
addresses are on demo.example.org. Names end "(demo)" and descriptions say "Demo listing: not a
real service.", so nobody mistakes a screenshot for the real directory.

`seed(scale=, log=)` is idempotent: each record is looked up by its slug and only created when
missing, so a second run changes nothing. `--scale N` adds (N - 1) x 25 generated services at
(N - 1) x 2 generated locations, written with bulk_create by `generate_directory`, which the
directory benchmark (bench/hubs_directory.py) also uses for its own, separately labelled rows.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from luton2040.places.models import Ward

from .models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    ListingReport,
    Location,
    Organisation,
    OrganisationEditor,
    Phone,
    RequiredDocument,
    Schedule,
    ScheduleException,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

DEMO_DESCRIPTION = "Demo listing: not a real service."
GENERATED_SERVICES_PER_SCALE = 25
GENERATED_LOCATIONS_PER_SCALE = 2

LANGUAGES = {
    "ur": "Urdu",
    "bn": "Bengali",
    "pa": "Punjabi",
    "pl": "Polish",
    "ro": "Romanian",
    "ar": "Arabic",
    "so": "Somali",
}

ORGANISATIONS = [
    # (slug, name, description)
    (
        "demo-community-pantry",
        "Demo Community Pantry (demo data)",
        "An invented organisation for the demo; not a real service.",
    ),
    (
        "demo-luton-foodbank-partnership",
        "Luton Foodbank Partnership (demo)",
        "Invented for the demo: a network of food banks. " + DEMO_DESCRIPTION,
    ),
    (
        "demo-warm-welcome-luton",
        "Warm Welcome Luton (demo)",
        "Invented for the demo: churches, mosques and gurdwaras opening warm spaces. "
        + DEMO_DESCRIPTION,
    ),
    (
        "demo-luton-sanctuary-network",
        "Luton Sanctuary Network (demo)",
        "Invented for the demo: welcome and advice for people seeking sanctuary. "
        + DEMO_DESCRIPTION,
    ),
    (
        "demo-money-advice-luton",
        "Money Advice Luton (demo)",
        "Invented for the demo: free debt, benefits and budgeting advice. " + DEMO_DESCRIPTION,
    ),
    (
        "demo-luton-youth-trust",
        "Luton Youth Trust (demo)",
        "Invented for the demo: youth clubs and holiday activities. " + DEMO_DESCRIPTION,
    ),
    (
        "demo-age-friendly-luton",
        "Age Friendly Luton (demo)",
        "Invented for the demo: clubs and lunches for people over 60. " + DEMO_DESCRIPTION,
    ),
    (
        "demo-luton-community-hubs",
        "Luton Community Hubs Trust (demo)",
        "Invented for the demo: runs community centres across the town. " + DEMO_DESCRIPTION,
    ),
]


@dataclass(frozen=True)
class Hub:
    slug: str
    name: str
    ward: str
    address_1: str
    postcode: str
    latitude: float
    longitude: float
    organisation: str
    transportation: str
    accessibility: tuple[str, ...] = ()  # accessibility term slugs
    languages: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    description: str = ""


# Plausible places, invented premises: the streets are made up and the postcodes are only shaped
# like the right district for the ward (see places/districts.py).
HUBS = [
    Hub(
        "demo-biscot-community-hub", "Biscot Community Hub (demo)", "biscot",
        "The Old Print Works, Kingfisher Walk", "LU3 1XQ", 51.8893, -0.4318,
        "demo-luton-community-hubs", "Buses 24 and 27 stop outside. Two disabled parking bays.",
        ("wheelchair-access", "accessible-toilet", "hearing-loop"), ("ur", "pa", "bn"),
        ("food-first", "warm-spaces"),
    ),
    Hub(
        "demo-dallow-family-centre", "Dallow Family Centre (demo)", "dallow",
        "Unit 2, Ashcroft Parade", "LU1 1XW", 51.8822, -0.4371,
        "demo-luton-community-hubs", "A 10-minute walk from Luton station. No parking on site.",
        ("wheelchair-access", "baby-changing"), ("ur", "bn", "ar"),
        ("food-first", "city-of-sanctuary"),
    ),
    Hub(
        "demo-high-town-community-rooms", "High Town Community Rooms (demo)", "high-town",
        "Railway Yard Chambers, Cobbler Row", "LU2 0XD", 51.8851, -0.4132,
        "demo-warm-welcome-luton", "Behind the station. Step-free from the Midland Road entrance.",
        ("wheelchair-access", "quiet-space"), ("pl", "ro"), ("warm-spaces",),
    ),
    Hub(
        "demo-town-centre-welcome-hub", "Town Centre Welcome Hub (demo)", "south",
        "First floor, Weavers Arcade", "LU1 2XN", 51.8772, -0.4159,
        "demo-luton-sanctuary-network", "Lift to the first floor. Town centre buses stop nearby.",
        ("wheelchair-access", "accessible-toilet", "guide-dog-friendly"),
        ("ar", "so", "ur", "ro"), ("city-of-sanctuary", "warm-spaces"),
    ),
    Hub(
        "demo-farley-hill-hub", "Farley Hill Hub (demo)", "farley",
        "Meadow Pavilion, Larkspur Close", "LU1 5XS", 51.8662, -0.4334,
        "demo-luton-community-hubs", "Bus 19 from the town centre. Free car park.",
        ("wheelchair-access", "accessible-toilet", "baby-changing"), ("pl",),
        ("food-first",),
    ),
    Hub(
        "demo-round-green-centre", "Round Green Centre (demo)", "round-green",
        "The Green Room, Hawthorn Rise", "LU2 7XG", 51.8942, -0.3984,
        "demo-age-friendly-luton", "Bus A stops at the end of the road. Level access.",
        ("wheelchair-access", "dementia-friendly", "hearing-loop"), (), ("warm-spaces",),
    ),
    Hub(
        "demo-stopsley-village-hall", "Stopsley Village Rooms (demo)", "stopsley",
        "Orchard House, Bramble Lane", "LU2 8XT", 51.8991, -0.3902,
        "demo-age-friendly-luton", "Car park behind the building. Buses 27 and 28.",
        ("wheelchair-access", "dementia-friendly"), (), ("warm-spaces", "food-first"),
    ),
    Hub(
        "demo-lewsey-farm-community-house", "Lewsey Community House (demo)", "lewsey",
        "2 Swallowfield Court", "LU4 0XJ", 51.9021, -0.4783,
        "demo-luton-community-hubs", "Bus 31 stops outside. Ramp at the side door.",
        ("wheelchair-access", "baby-changing"), ("pl", "ro", "pa"), ("food-first",),
    ),
    Hub(
        "demo-leagrave-meeting-place", "Leagrave Meeting Place (demo)", "leagrave",
        "The Signal Box Rooms, Millstream Way", "LU4 9XR", 51.9031, -0.4621,
        "demo-luton-youth-trust", "Two minutes from Leagrave station.",
        ("wheelchair-access", "quiet-space"), ("so", "ar"), ("city-of-sanctuary",),
    ),
    Hub(
        "demo-limbury-neighbourhood-centre", "Limbury Neighbourhood Centre (demo)", "limbury",
        "Willow Hall, Fennel Drive", "LU3 2XE", 51.9051, -0.4432,
        "demo-warm-welcome-luton", "Bus 24. Parking on the street.",
        ("wheelchair-access", "accessible-toilet"), ("ur", "pl"), ("warm-spaces",),
    ),
    Hub(
        "demo-sundon-park-hub", "Sundon Park Hub (demo)", "sundon-park",
        "Skylark Rooms, Heron Crescent", "LU3 3XP", 51.9088, -0.4521,
        "demo-luton-community-hubs", "Bus 25. Small car park.",
        ("wheelchair-access",), (), ("food-first",),
    ),
    Hub(
        "demo-saints-community-hall", "Saints Community Hall (demo)", "saints",
        "St Clement Rooms, Poplar Mews", "LU4 8XA", 51.8921, -0.4552,
        "demo-luton-foodbank-partnership", "Buses 30 and 31. Step-free entrance at the front.",
        ("wheelchair-access", "accessible-toilet", "hearing-loop"), ("ur", "pa", "ar"),
        ("food-first", "city-of-sanctuary"),
    ),
    Hub(
        "demo-challney-learning-hub", "Challney Learning Hub (demo)", "challney",
        "The Study Rooms, Chestnut Parade", "LU4 9XZ", 51.8893, -0.4628,
        "demo-luton-sanctuary-network", "Bus 30. Bicycle racks outside.",
        ("wheelchair-access", "quiet-space"), ("ur", "bn", "so", "ar"),
        ("city-of-sanctuary",),
    ),
    Hub(
        "demo-wigmore-family-hub", "Wigmore Family Hub (demo)", "wigmore",
        "Unit 5, Foxglove Yard", "LU2 9XW", 51.8831, -0.3833,
        "demo-luton-youth-trust", "Bus A. Large free car park.",
        ("wheelchair-access", "baby-changing", "accessible-toilet"), ("ro", "pl"),
        ("food-first", "warm-spaces"),
    ),
    Hub(
        "demo-northwell-community-centre", "Northwell Community Centre (demo)", "northwell",
        "The Hive, Bellflower Way", "LU3 3XU", 51.8972, -0.4322,
        "demo-luton-community-hubs", "Buses 25 and 26. Level access throughout.",
        ("wheelchair-access", "accessible-toilet", "quiet-space", "hearing-loop"),
        ("so", "ar", "ur"), ("food-first", "warm-spaces", "city-of-sanctuary"),
    ),
]  # fmt: skip

ACCESSIBILITY_TEXT = {
    "wheelchair-access": "Step-free access from the street",
    "accessible-toilet": "Accessible toilet on the ground floor",
    "hearing-loop": "Hearing loop at the reception desk and in the main hall",
    "guide-dog-friendly": "Assistance dogs welcome; water bowl at reception",
    "dementia-friendly": "Staff trained as Dementia Friends",
    "quiet-space": "A quiet room you can ask to use",
    "baby-changing": "Baby changing in the accessible toilet",
}


@dataclass(frozen=True)
class Session:
    """One schedule in a short notation: "W MO,TH 10:00-12:00" weekly, "F TU ..." fortnightly
    (anchored to the next such day), "M 1SA ..." monthly; winter=True runs 1 Nov to 31 Mar."""

    spec: str
    winter: bool = False
    description: str = ""


@dataclass(frozen=True)
class DemoService:
    slug: str
    name: str
    organisation: str
    summary: str
    hubs: tuple[str, ...]
    sessions: tuple[Session, ...]
    categories: tuple[str, ...]
    programmes: tuple[str, ...] = ()
    eligibility: tuple[str, ...] = ()
    referral: str = Service.Referral.DROP_IN
    cost: str = Service.Cost.FREE
    keywords: str = ""
    who_can_refer: str = ""
    what_to_bring: str = ""
    fees_description: str = ""
    eligibility_description: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    languages: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()  # service areas; none means the whole town
    assured_days_ago: int = 14
    status: str = Service.Status.ACTIVE
    alert: str = ""
    unconfirmed: bool = False
    extra: dict[str, str] = field(default_factory=dict)


FOOD_BANK_REFERRERS = (
    "Your GP, health visitor or social worker; Citizens Advice; your child's school; "
    "the council's housing team; any Luton Sanctuary Network caseworker."
)
FOOD_BANK_BRING = (
    "Your referral voucher (paper or the code on your phone). Bags to carry food home if you "
    "have them. Tell us about allergies and whether you can cook or only use a kettle."
)
PANTRY_FEES = (
    "Weekly membership: £3.50 a visit for about £15 of food. Pay what you can if £3.50 is too much."
)

SERVICES = [
    # Food First: food banks (referral voucher), pantries (membership), fridges (free drop-in).
    DemoService(
        "demo-biscot-food-bank", "Biscot Food Bank (demo)", "demo-luton-foodbank-partnership",
        "Three days of emergency food for people referred with a food bank voucher.",
        ("demo-biscot-community-hub",), (Session("W TU,FR 10:00-12:30"),),
        ("food",), ("food-first",), ("low-income",), referral=Service.Referral.REFERRAL,
        keywords="foodbank, food parcel, emergency food", who_can_refer=FOOD_BANK_REFERRERS,
        what_to_bring=FOOD_BANK_BRING, languages=("ur", "pa"), wards=("biscot", "dallow"),
        assured_days_ago=12,
    ),
    DemoService(
        "demo-saints-food-bank", "Saints Food Bank (demo)", "demo-luton-foodbank-partnership",
        "Emergency food parcels and a hot drink, for people with a food bank voucher.",
        ("demo-saints-community-hall",), (Session("W MO,TH 13:00-15:00"),),
        ("food",), ("food-first",), ("low-income",), referral=Service.Referral.REFERRAL,
        keywords="foodbank, food parcel", who_can_refer=FOOD_BANK_REFERRERS,
        what_to_bring=FOOD_BANK_BRING, languages=("ur", "ar"), wards=("saints", "challney"),
        assured_days_ago=40,
    ),
    DemoService(
        "demo-farley-food-bank", "Farley Food Bank (demo)", "demo-luton-foodbank-partnership",
        "Emergency food for three days, with toiletries and baby food when we have them.",
        ("demo-farley-hill-hub", "demo-sundon-park-hub"),
        (Session("W WE 10:00-12:00"), Session("F SA 10:00-12:00")),
        ("food",), ("food-first",), ("low-income", "families"),
        referral=Service.Referral.REFERRAL, keywords="foodbank, food parcel, nappies",
        who_can_refer=FOOD_BANK_REFERRERS, what_to_bring=FOOD_BANK_BRING, wards=("farley", "south"),
        assured_days_ago=240,  # stale: the "last checked" banner shows
    ),
    DemoService(
        "demo-town-centre-food-bank", "Town Centre Food Bank (demo)",
        "demo-luton-foodbank-partnership",
        "Emergency food parcels in the town centre, including late opening on Thursdays.",
        ("demo-town-centre-welcome-hub",),
        (Session("W MO,WE 10:00-13:00"), Session("W TH 17:00-19:30", description="Late opening")),
        ("food",), ("food-first",), ("low-income",), referral=Service.Referral.REFERRAL,
        keywords="foodbank, food parcel, evening", who_can_refer=FOOD_BANK_REFERRERS,
        what_to_bring=FOOD_BANK_BRING, languages=("ar", "so", "ro"), assured_days_ago=5,
    ),
    DemoService(
        "demo-biscot-community-pantry", "Biscot Community Pantry (demo)", "demo-community-pantry",
        "A members' pantry: choose your own food each week for £3.50.",
        ("demo-biscot-community-hub",), (Session("W WE 11:00-14:00"), Session("W SA 10:00-12:00")),
        ("food",), ("food-first",), ("low-income", "families"),
        referral=Service.Referral.SELF_REFERRAL, cost=Service.Cost.PAY_AS_YOU_CAN,
        keywords="pantry, food club, membership", fees_description=PANTRY_FEES,
        what_to_bring="Your membership card after your first visit. "
        "Proof of a Luton address to join.",
        languages=("ur", "bn"), wards=("biscot",), assured_days_ago=3,
    ),
    DemoService(
        "demo-lewsey-pantry", "Lewsey Pantry (demo)", "demo-community-pantry",
        "Weekly members' pantry with fresh fruit and vegetables. £3.50 a visit.",
        ("demo-lewsey-farm-community-house",), (Session("W TH 15:30-18:30"),),
        ("food",), ("food-first",), ("low-income", "families"),
        referral=Service.Referral.SELF_REFERRAL, cost=Service.Cost.CHARGE,
        keywords="pantry, food club", fees_description=PANTRY_FEES,
        what_to_bring="Proof of a Luton address to join; bags.", languages=("pl", "ro"),
        wards=("lewsey", "leagrave"), assured_days_ago=20,
    ),
    DemoService(
        "demo-wigmore-pantry", "Wigmore Family Pantry (demo)", "demo-community-pantry",
        "A pantry for families: £3.50 a week for a basket of food and household basics.",
        ("demo-wigmore-family-hub",), (Session("F FR 16:00-18:00"),),
        ("food", "families"), ("food-first",), ("families",),
        referral=Service.Referral.SELF_REFERRAL, cost=Service.Cost.CHARGE,
        keywords="pantry, food club, family", fees_description=PANTRY_FEES,
        wards=("wigmore", "crawley"), assured_days_ago=60,
    ),
    DemoService(
        "demo-northwell-community-fridge", "Northwell Community Fridge (demo)",
        "demo-community-pantry",
        "Free surplus food from local shops. Take what you need, no questions asked.",
        ("demo-northwell-community-centre",), (Session("W MO,TU,WE,TH,FR 12:00-16:00"),),
        ("food",), ("food-first",), keywords="fridge, surplus food, free food",
        assured_days_ago=2,
    ),
    DemoService(
        "demo-dallow-community-fridge", "Dallow Community Fridge (demo)", "demo-community-pantry",
        "Free fresh food saved from going to waste. Drop in, no need to sign up.",
        ("demo-dallow-family-centre",), (Session("W TU,TH,SA 10:00-13:00"),),
        ("food",), ("food-first",), keywords="fridge, surplus food, free food",
        languages=("bn", "ur"), assured_days_ago=9,
    ),
    DemoService(
        "demo-sundon-park-fridge", "Sundon Park Community Fridge (demo)", "demo-community-pantry",
        "Free surplus bread, fruit and vegetables every weekday afternoon.",
        ("demo-sundon-park-hub",), (Session("W MO,WE,FR 14:00-17:00"),),
        ("food",), ("food-first",), keywords="fridge, free food",
        status=Service.Status.TEMPORARILY_CLOSED,
        alert="Closed until further notice while the fridge is replaced. Try Northwell Community "
        "Fridge (demo) instead.",
        assured_days_ago=10,
    ),
    DemoService(
        "demo-saints-community-lunch", "Saints Community Lunch (demo)",
        "demo-luton-foodbank-partnership",
        "A free hot lunch on the last Friday of each month. Everyone welcome.",
        ("demo-saints-community-hall",), (Session("M -1FR 12:00-14:00"),),
        ("food", "community"), ("food-first",), keywords="community meal, hot meal, lunch",
        languages=("ur", "pa"), assured_days_ago=25,
    ),
    DemoService(
        "demo-stopsley-breakfast-club", "Stopsley Saturday Breakfast (demo)",
        "demo-age-friendly-luton",
        "A free cooked breakfast on the first Saturday of the month.",
        ("demo-stopsley-village-hall",), (Session("M 1SA 09:00-11:00"),),
        ("food", "community"), ("food-first",), keywords="breakfast, community meal",
        assured_days_ago=30,
    ),
    # Warm Spaces: free drop-in, winter only.
    DemoService(
        "demo-high-town-warm-space", "High Town Warm Space (demo)", "demo-warm-welcome-luton",
        "A warm room with hot drinks, Wi-Fi and phone charging. Free, drop in.",
        ("demo-high-town-community-rooms",),
        (Session("W MO,TU,WE,TH,FR 10:00-16:00", winter=True),),
        ("warm-spaces",), ("warm-spaces",), keywords="warm hub, warm bank, heating, wifi",
        languages=("pl", "ro"), assured_days_ago=8,
    ),
    DemoService(
        "demo-round-green-warm-space", "Round Green Warm Space (demo)", "demo-age-friendly-luton",
        "Warm, friendly afternoons with tea, soup and board games.",
        ("demo-round-green-centre",), (Session("W TU,TH 13:00-16:00", winter=True),),
        ("warm-spaces", "community"), ("warm-spaces",), ("older-people",),
        keywords="warm hub, warm bank, soup", assured_days_ago=210,  # stale
    ),
    DemoService(
        "demo-limbury-warm-space", "Limbury Warm Space (demo)", "demo-warm-welcome-luton",
        "Open evenings and Sunday afternoons in winter. Free soup and a warm welcome.",
        ("demo-limbury-neighbourhood-centre",),
        (
            Session("W MO,WE 17:00-20:30", winter=True),
            Session("W SU 13:00-17:00", winter=True),
        ),
        ("warm-spaces",), ("warm-spaces",), keywords="warm hub, warm bank, evening, weekend",
        languages=("ur",), assured_days_ago=16,
    ),
    DemoService(
        "demo-biscot-warm-space", "Biscot Warm Space (demo)", "demo-warm-welcome-luton",
        "Warm space with a children's corner and homework help after school.",
        ("demo-biscot-community-hub", "demo-wigmore-family-hub"),
        (Session("W MO,TU,WE,TH 15:00-18:00", winter=True),),
        ("warm-spaces", "families"), ("warm-spaces",), ("families",),
        keywords="warm hub, homework club", languages=("ur", "bn"), assured_days_ago=22,
    ),
    DemoService(
        "demo-town-centre-night-shelter", "Town Centre Winter Night Shelter (demo)",
        "demo-warm-welcome-luton",
        "A bed, an evening meal and breakfast on winter nights. Arrive by 21:00.",
        ("demo-town-centre-welcome-hub",),
        (Session("W MO,TU,WE,TH,FR,SA,SU 20:00-08:00", winter=True, description="Overnight"),),
        ("housing", "warm-spaces"), ("warm-spaces",), ("low-income",),
        referral=Service.Referral.REFERRAL, keywords="night shelter, rough sleeping, bed",
        who_can_refer="The council's rough sleeper outreach team or the street outreach van.",
        what_to_bring="Nothing is needed. Lockers are provided.", assured_days_ago=4,
    ),
    DemoService(
        "demo-northwell-warm-space", "Northwell Warm Space (demo)", "demo-luton-community-hubs",
        "Free warm room with hot drinks and a weekend film club.",
        ("demo-northwell-community-centre",),
        (Session("W SA,SU 12:00-17:00", winter=True),), ("warm-spaces",), ("warm-spaces",),
        keywords="warm hub, weekend", languages=("so", "ar"), assured_days_ago=265,  # stale
    ),
    DemoService(
        "demo-stopsley-warm-space", "Stopsley Warm Space (demo)", "demo-age-friendly-luton",
        "A warm lounge with lunch on Wednesdays. Free, just turn up.",
        ("demo-stopsley-village-hall",), (Session("W WE 10:00-15:00", winter=True),),
        ("warm-spaces",), ("warm-spaces", "food-first"), ("older-people",),
        keywords="warm hub, lunch", assured_days_ago=34,
    ),
    # City of Sanctuary.
    DemoService(
        "demo-sanctuary-welcome-drop-in", "Sanctuary Welcome Drop-in (demo)",
        "demo-luton-sanctuary-network",
        "Advice, a hot meal and a friendly face for people seeking asylum and refugees.",
        ("demo-town-centre-welcome-hub",), (Session("W WE 11:00-15:00"),),
        ("sanctuary",), ("city-of-sanctuary",), ("refugees",),
        keywords="asylum, refugee, welcome, NRPF", languages=("ar", "so", "ur", "ro"),
        eligibility_description="People seeking asylum, refugees and people with no recourse to "
        "public funds. No documents needed.",
        assured_days_ago=6,
    ),
    DemoService(
        "demo-leagrave-sanctuary-cafe", "Leagrave Sanctuary Café (demo)",
        "demo-luton-sanctuary-network",
        "A weekly café where new arrivals meet neighbours, practise English and get help.",
        ("demo-leagrave-meeting-place",), (Session("W FR 13:00-16:00"),),
        ("sanctuary", "community"), ("city-of-sanctuary",), ("refugees",),
        keywords="asylum, refugee, cafe, conversation", languages=("so", "ar"),
        assured_days_ago=18,
    ),
    DemoService(
        "demo-sanctuary-immigration-advice", "Sanctuary Immigration Advice (demo)",
        "demo-luton-sanctuary-network",
        "Free advice from an OISC-registered adviser, by appointment.",
        ("demo-town-centre-welcome-hub", "demo-challney-learning-hub"),
        (Session("F TU 10:00-13:00"),), ("sanctuary",), ("city-of-sanctuary",), ("refugees",),
        referral=Service.Referral.SELF_REFERRAL, keywords="immigration, asylum claim, appeal",
        what_to_bring="Your Home Office letters and any ID you have.",
        languages=("ar", "so"), assured_days_ago=240,  # stale
    ),
    DemoService(
        "demo-saints-sanctuary-clothing-bank", "Saints Clothing Bank (demo)",
        "demo-luton-sanctuary-network",
        "Free clothes, shoes and school uniform for new arrivals and families in need.",
        ("demo-saints-community-hall",), (Session("M 2SA 10:00-13:00"),),
        ("sanctuary", "families"), ("city-of-sanctuary",), ("refugees", "families"),
        keywords="clothes, uniform, coats", assured_days_ago=45,
    ),
    # Money advice, by appointment.
    DemoService(
        "demo-debt-advice-biscot", "Debt Advice Clinic Biscot (demo)", "demo-money-advice-luton",
        "Free, confidential debt advice by appointment. Evening slots on Tuesdays.",
        ("demo-biscot-community-hub",),
        (Session("W TU 17:30-20:00"), Session("W TH 10:00-13:00")),
        ("money-advice",), (), ("low-income",), referral=Service.Referral.SELF_REFERRAL,
        keywords="debt, bills, arrears, bailiffs, budgeting",
        what_to_bring="Letters about your debts and your last bank statement.",
        languages=("ur", "pa"), assured_days_ago=11,
    ),
    DemoService(
        "demo-benefits-advice-northwell", "Benefits Advice Northwell (demo)",
        "demo-money-advice-luton",
        "Help to check what you are entitled to and to claim Universal Credit or PIP.",
        ("demo-northwell-community-centre", "demo-lewsey-farm-community-house"),
        (Session("W MO 10:00-15:00"),), ("money-advice",), ("food-first",), ("low-income",),
        referral=Service.Referral.SELF_REFERRAL,
        keywords="benefits, universal credit, PIP, entitlement",
        what_to_bring="Your National Insurance number and any letters from the DWP.",
        assured_days_ago=27,
    ),
    DemoService(
        "demo-energy-bills-advice", "Energy Bills Advice (demo)", "demo-money-advice-luton",
        "Help with energy debt, prepayment meters and grants for heating.",
        ("demo-high-town-community-rooms",), (Session("F TH 13:00-16:00"),),
        ("money-advice", "warm-spaces"), ("warm-spaces",), ("low-income",),
        referral=Service.Referral.SELF_REFERRAL,
        keywords="energy, gas, electricity, prepayment, fuel vouchers",
        what_to_bring="A recent energy bill or your meter number.", assured_days_ago=7,
        unconfirmed=True,
    ),
    DemoService(
        "demo-money-advice-phone-line", "Money Advice Saturday Surgery (demo)",
        "demo-money-advice-luton", "Saturday morning drop-in for quick questions about money.",
        ("demo-farley-hill-hub",), (Session("W SA 09:30-12:30"),), ("money-advice",),
        keywords="debt, benefits, weekend", assured_days_ago=52,
    ),
    # Learning.
    DemoService(
        "demo-esol-beginners-challney", "English for Beginners (ESOL) Challney (demo)",
        "demo-luton-sanctuary-network",
        "Free English classes for beginners. Childcare available if you book.",
        ("demo-challney-learning-hub",), (Session("W MO,WE 10:00-12:00"),),
        ("learning", "sanctuary"), ("city-of-sanctuary",), ("refugees",),
        referral=Service.Referral.SELF_REFERRAL, keywords="ESOL, English lessons, language class",
        minimum_age=16, languages=("ar", "so", "ur", "bn"), assured_days_ago=13,
    ),
    DemoService(
        "demo-esol-evening-town-centre", "Evening English Conversation (ESOL) (demo)",
        "demo-luton-sanctuary-network",
        "Practise speaking English in a friendly group after work.",
        ("demo-town-centre-welcome-hub", "demo-leagrave-meeting-place"),
        (Session("W TH 18:30-20:30"),), ("learning",), ("city-of-sanctuary",),
        keywords="ESOL, English conversation, evening", minimum_age=18,
        languages=("pl", "ro", "ar"), assured_days_ago=19,
    ),
    DemoService(
        "demo-digital-skills-limbury", "Digital Skills Drop-in Limbury (demo)",
        "demo-luton-community-hubs",
        "Help with phones, email and online forms. Borrow a laptop while you are here.",
        ("demo-limbury-neighbourhood-centre",), (Session("W TU 10:00-12:00"),),
        ("learning",), (), ("older-people",), keywords="computer, internet, online forms",
        assured_days_ago=33,
    ),
    # Children, young people and families.
    DemoService(
        "demo-leagrave-youth-club", "Leagrave Youth Club (demo)", "demo-luton-youth-trust",
        "Games, sport and a free hot meal for young people aged 11 to 17.",
        ("demo-leagrave-meeting-place",), (Session("W TU,TH 18:00-21:00"),),
        ("families", "community"), ("food-first",), ("young-people",),
        keywords="youth club, teenagers, sport", minimum_age=11, maximum_age=17,
        assured_days_ago=15,
    ),
    DemoService(
        "demo-wigmore-junior-youth-club", "Wigmore Junior Youth Club (demo)",
        "demo-luton-youth-trust", "Arts, crafts and football for children aged 8 to 12.",
        ("demo-wigmore-family-hub",), (Session("W WE 16:00-18:00"),),
        ("families",), (), ("young-people",), keywords="youth club, children, football",
        minimum_age=8, maximum_age=12, assured_days_ago=29,
    ),
    DemoService(
        "demo-lewsey-friday-youth-night", "Lewsey Friday Youth Night (demo)",
        "demo-luton-youth-trust", "Music, gaming and a late-night snack for 13 to 19 year olds.",
        ("demo-lewsey-farm-community-house",), (Session("W FR 19:00-22:30"),),
        ("families", "community"), (), ("young-people",), keywords="youth club, music, gaming",
        minimum_age=13, maximum_age=19, assured_days_ago=230,  # stale
    ),
    DemoService(
        "demo-dallow-stay-and-play", "Dallow Stay and Play (demo)", "demo-luton-community-hubs",
        "Play sessions for under-5s with their parents or carers.",
        ("demo-dallow-family-centre",), (Session("W MO,FR 09:30-11:30"),),
        ("families",), (), ("families",), keywords="toddler group, baby, parents",
        maximum_age=5, languages=("bn", "ur"), assured_days_ago=21,
    ),
    DemoService(
        "demo-holiday-activities-food", "Holiday Activities and Food (demo)",
        "demo-luton-youth-trust",
        "Free activities and a healthy lunch in school holidays for children on free school meals.",
        ("demo-sundon-park-hub", "demo-farley-hill-hub"), (Session("W MO,TU,WE,TH 10:00-14:00"),),
        ("families", "food"), ("food-first",), ("families", "young-people"),
        referral=Service.Referral.SELF_REFERRAL, keywords="HAF, holiday club, school holidays",
        minimum_age=5, maximum_age=16, assured_days_ago=38,
    ),
    # Older people.
    DemoService(
        "demo-over-60s-lunch-club", "Over-60s Lunch and Chat (demo)", "demo-age-friendly-luton",
        "A two-course lunch for £3, bingo and company, for people aged 60 and over.",
        ("demo-round-green-centre", "demo-stopsley-village-hall"),
        (Session("W TH 11:30-14:30"),), ("community", "food"), ("food-first",), ("older-people",),
        cost=Service.Cost.CHARGE, fees_description="£3 for lunch. Tea and coffee are free.",
        keywords="lunch club, older people, pensioners, loneliness", minimum_age=60,
        assured_days_ago=17,
    ),
    DemoService(
        "demo-memory-cafe", "Memory Café (demo)", "demo-age-friendly-luton",
        "A relaxed afternoon for people living with dementia and their carers.",
        ("demo-round-green-centre",), (Session("M 3WE 14:00-16:00"),),
        ("health-wellbeing",), (), ("older-people", "carers"),
        keywords="dementia, memory, carers", assured_days_ago=48,
    ),
    # Health, work, community.
    DemoService(
        "demo-wellbeing-walk", "Wardown Wellbeing Walk (demo)", "demo-luton-community-hubs",
        "A gentle one-hour walk starting from the hub, then tea. All paces welcome.",
        ("demo-high-town-community-rooms",), (Session("W SU 10:00-11:30"),),
        ("health-wellbeing", "community"), keywords="walking, exercise, mental health",
        assured_days_ago=26,
    ),
    DemoService(
        "demo-job-club", "Job Club (demo)", "demo-luton-community-hubs",
        "Help with CVs, applications and interview practice.",
        ("demo-northwell-community-centre", "demo-saints-community-hall"),
        (Session("W WE 13:00-15:00"),), ("work",), (), keywords="jobs, CV, interview, employment",
        languages=("pl", "ro", "ur"), assured_days_ago=31,
    ),
    DemoService(
        "demo-womens-circle", "Women's Circle (demo)", "demo-luton-sanctuary-network",
        "A women-only group for friendship, crafts and English practice. Crèche available.",
        ("demo-challney-learning-hub",), (Session("F MO 13:00-15:00"),),
        ("community", "sanctuary"), ("city-of-sanctuary",), ("women", "refugees"),
        keywords="women, crafts, friendship", languages=("ar", "so", "bn"), assured_days_ago=24,
    ),
    DemoService(
        "demo-old-town-soup-kitchen", "Old Town Soup Kitchen (demo)",
        "demo-luton-foodbank-partnership", "A soup kitchen that closed in the demo's past.",
        ("demo-town-centre-welcome-hub",), (Session("W SU 12:00-14:00"),),
        ("food",), ("food-first",), status=Service.Status.DEFUNCT, assured_days_ago=400,
    ),
]  # fmt: skip


def seed(*, scale: int, log: Callable[[str], None]) -> None:
    """Demo organisations, hubs, services, exceptions and reports; --scale adds generated ones."""
    today = timezone.localdate()
    organisations = _organisations()
    editor = get_user_model().objects.filter(email="editor@demo.example.org").first()
    if editor is not None:
        OrganisationEditor.objects.get_or_create(
            organisation=organisations["demo-community-pantry"], user=editor
        )
    # Extra, labelled organisations for benchmarks (kept: seed_demo's scale test counts them).
    existing = Organisation.objects.filter(slug__startswith="demo-group-").count()
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Demo Group {n} (demo data)", slug=f"demo-group-{n}", description=DEMO_DESCRIPTION
        )
        for n in range(existing, (scale - 1) * 20)
    )
    terms = _terms()
    wards = {ward.slug: ward for ward in Ward.objects.all()}
    hubs = _hubs(organisations=organisations, terms=terms, wards=wards, today=today)
    services = _services(
        organisations=organisations, hubs=hubs, terms=terms, wards=wards, today=today
    )
    _exceptions(hubs=hubs, services=services, today=today)
    _reports(services=services, hubs=hubs, today=today)
    if scale > 1:
        generate_directory(
            slug_prefix="demo-generated",
            name_suffix="(demo)",
            organisations=list(
                Organisation.objects.filter(slug__startswith="demo-group-").order_by("pk")
            ),
            services=(scale - 1) * GENERATED_SERVICES_PER_SCALE,
            locations=(scale - 1) * GENERATED_LOCATIONS_PER_SCALE,
        )
    log(
        f"Directory: {Organisation.objects.count()} organisations, "
        f"{Location.objects.hubs().count()} hubs, {Service.objects.count()} services (demo)."
    )


def _organisations() -> dict[str, Organisation]:
    organisations = {}
    for slug, name, description in ORGANISATIONS:
        organisation, _created = Organisation.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "email": f"{slug}@demo.example.org",
            },
        )
        organisations[slug] = organisation
    return organisations


def _terms() -> dict[tuple[str, str], TaxonomyTerm]:
    return {
        (term.taxonomy.kind, term.slug): term
        for term in TaxonomyTerm.objects.select_related("taxonomy")
    }


def _tag(
    terms: dict[tuple[str, str], TaxonomyTerm],
    kind: str,
    slugs: Iterable[str],
    **linked: Service | Location,
) -> list[Attribute]:
    return [
        Attribute(taxonomy_term=terms[(kind, slug)], link_type=kind, **linked) for slug in slugs
    ]


def _hubs(
    *,
    organisations: dict[str, Organisation],
    terms: dict[tuple[str, str], TaxonomyTerm],
    wards: dict[str, Ward],
    today: datetime.date,
) -> dict[str, Location]:
    hubs = {
        location.slug: location
        for location in Location.objects.filter(slug__in=[spec.slug for spec in HUBS])
    }
    for n, spec in enumerate(HUBS):
        if spec.slug in hubs:
            continue
        hub = Location.objects.create(
            slug=spec.slug,
            name=spec.name,
            is_hub=True,
            organisation=organisations[spec.organisation],
            description=spec.description
            or f"A hub run by {organisations[spec.organisation].name}. {DEMO_DESCRIPTION}",
            transportation=spec.transportation,
            latitude=spec.latitude,
            longitude=spec.longitude,
            ward=wards[spec.ward],
            assured_date=today - datetime.timedelta(days=7 + n * 3),
        )
        hubs[spec.slug] = hub
        Address.objects.create(location=hub, address_1=spec.address_1, postal_code=spec.postcode)
        Phone.objects.create(location=hub, number=f"01632 960{100 + n:03d}")
        Accessibility.objects.bulk_create(
            Accessibility(location=hub, description=ACCESSIBILITY_TEXT[slug])
            for slug in spec.accessibility
        )
        Attribute.objects.bulk_create(
            [
                *_tag(terms, "accessibility", spec.accessibility, location=hub),
                *_tag(terms, "programme", spec.programmes, location=hub),
            ]
        )
        Language.objects.bulk_create(
            Language(location=hub, code=code, name=LANGUAGES[code]) for code in spec.languages
        )
        # The building's own opening hours; services keep their own sessions.
        Schedule.objects.create(
            location=hub,
            byday="MO,TU,WE,TH,FR",
            opens_at=datetime.time(9),
            closes_at=datetime.time(17),
            description="Building open",
        )
    return hubs


def _services(
    *,
    organisations: dict[str, Organisation],
    hubs: dict[str, Location],
    terms: dict[tuple[str, str], TaxonomyTerm],
    wards: dict[str, Ward],
    today: datetime.date,
) -> dict[str, Service]:
    services = {
        service.slug: service
        for service in Service.objects.filter(slug__in=[spec.slug for spec in SERVICES])
    }
    for spec in SERVICES:
        if spec.slug in services:
            continue
        service = Service.objects.create(
            slug=spec.slug,
            name=spec.name,
            organisation=organisations[spec.organisation],
            summary=spec.summary,
            description=f"{spec.summary} {DEMO_DESCRIPTION}",
            keywords=spec.keywords,
            email=f"{spec.slug}@demo.example.org",
            status=spec.status,
            alert=spec.alert,
            referral=spec.referral,
            cost=spec.cost,
            who_can_refer=spec.who_can_refer,
            what_to_bring=spec.what_to_bring,
            fees_description=spec.fees_description,
            eligibility_description=spec.eligibility_description,
            minimum_age=spec.minimum_age,
            maximum_age=spec.maximum_age,
            interpretation_services=(
                "Staff speak " + ", ".join(LANGUAGES[c] for c in spec.languages) + "."
                if spec.languages
                else ""
            ),
            assured_date=today - datetime.timedelta(days=spec.assured_days_ago),
            assurer_email="staff@demo.example.org",
            unconfirmed_since=(
                timezone.now() - datetime.timedelta(days=3) if spec.unconfirmed else None
            ),
        )
        services[spec.slug] = service
        Attribute.objects.bulk_create(
            [
                *_tag(terms, "category", spec.categories, service=service),
                *_tag(terms, "programme", spec.programmes, service=service),
                *_tag(terms, "eligibility", spec.eligibility, service=service),
            ]
        )
        Language.objects.bulk_create(
            Language(service=service, code=code, name=LANGUAGES[code]) for code in spec.languages
        )
        ServiceArea.objects.bulk_create(
            [
                ServiceArea(service=service, ward=wards[slug], name=wards[slug].name)
                for slug in spec.wards
            ]
            or [ServiceArea(service=service, name="Luton", description="The whole town")]
        )
        Phone.objects.create(
            service=service, number=f"01632 960{500 + len(services):03d}", description="Weekdays"
        )
        if spec.referral == Service.Referral.REFERRAL:
            RequiredDocument.objects.create(service=service, document="A referral voucher")
        if spec.fees_description.startswith("Weekly membership"):
            CostOption.objects.create(
                service=service,
                option="Weekly membership, per visit",
                amount=Decimal("3.50"),
                amount_description="£3.50 a visit",
            )
        for hub_slug in spec.hubs:
            at_hub = ServiceAtLocation.objects.create(service=service, location=hubs[hub_slug])
            Schedule.objects.bulk_create(
                _schedule(session, service_at_location=at_hub, today=today)
                for session in spec.sessions
            )
    if "demo-biscot-community-pantry" in services:
        # The demo editor's organisation has a named contact, as a real provider would.
        Contact.objects.get_or_create(
            service=services["demo-biscot-community-pantry"],
            defaults={"name": "Demo Pantry Coordinator", "email": "editor@demo.example.org"},
        )
    return services


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _schedule(
    session: Session, *, service_at_location: ServiceAtLocation, today: datetime.date
) -> Schedule:
    kind, byday, hours = session.spec.split()
    opens, closes = (datetime.time.fromisoformat(t) for t in hours.split("-"))
    schedule = Schedule(
        service_at_location=service_at_location,
        freq=Schedule.Frequency.MONTHLY if kind == "M" else Schedule.Frequency.WEEKLY,
        interval=2 if kind == "F" else 1,
        byday=byday,
        opens_at=opens,
        closes_at=closes,
        description=session.description,
    )
    if kind == "F":
        # Anchor fortnightly sessions to a real first date, so "which week" is unambiguous.
        weekday = WEEKDAYS.index(byday)
        schedule.dtstart = today + datetime.timedelta(days=(weekday - today.weekday()) % 7)
    if session.winter:
        schedule.valid_from, schedule.valid_to = winter_season(today)
    return schedule


def winter_season(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """1 November to 31 March: the season running now, or the next one in the summer."""
    start_year = today.year - 1 if today.month <= 3 else today.year
    return datetime.date(start_year, 11, 1), datetime.date(start_year + 1, 3, 31)


def _exceptions(
    *, hubs: dict[str, Location], services: dict[str, Service], today: datetime.date
) -> None:
    if ScheduleException.objects.filter(reason__endswith="(demo)").exists():
        return
    christmas_year = today.year - 1 if (today.month, today.day) <= (1, 2) else today.year
    christmas = (datetime.date(christmas_year, 12, 24), datetime.date(christmas_year + 1, 1, 2))
    next_monday = today + datetime.timedelta(days=7 - today.weekday())
    ScheduleException.objects.bulk_create(
        [
            *(
                ScheduleException(
                    location=hubs[slug],
                    starts_on=christmas[0],
                    ends_on=christmas[1],
                    reason="Christmas and New Year (demo)",
                )
                for slug in ("demo-biscot-community-hub", "demo-saints-community-hall",
                             "demo-dallow-family-centre", "demo-farley-hill-hub")
            ),
            ScheduleException(
                location=hubs["demo-limbury-neighbourhood-centre"],
                starts_on=next_monday,
                ends_on=next_monday + datetime.timedelta(days=4),
                reason="Closed for roof repairs (demo)",
            ),
            ScheduleException(
                service_at_location=ServiceAtLocation.objects.get(
                    service=services["demo-town-centre-food-bank"],
                    location=hubs["demo-town-centre-welcome-hub"],
                ),
                starts_on=today + datetime.timedelta(days=3),
                ends_on=today + datetime.timedelta(days=3),
                closed=False,
                opens_at=datetime.time(9),
                closes_at=datetime.time(11),
                reason="Short session: volunteer training in the afternoon (demo)",
            ),
        ]
    )  # fmt: skip


def _reports(
    *, services: dict[str, Service], hubs: dict[str, Location], today: datetime.date
) -> None:
    ListingReport.objects.get_or_create(
        reference="demo-report-received",
        defaults={
            "service": services["demo-farley-food-bank"],
            "problem": ListingReport.Problem.WRONG_TIMES,
            "details": "Demo report: the Saturday session now starts at 10:30.",
        },
    )
    ListingReport.objects.get_or_create(
        reference="demo-report-fixed",
        defaults={
            "location": hubs["demo-sundon-park-hub"],
            "problem": ListingReport.Problem.OUT_OF_DATE,
            "details": "Demo report: the phone number has changed.",
            "status": ListingReport.Status.FIXED,
            "resolution": "Demo: we updated the phone number. Thank you for telling us.",
            "resolved_at": timezone.now(),
        },
    )


# --- Generated volume (--scale and the directory benchmark) ----------------------------------


@dataclass(frozen=True)
class Kind:
    category: str
    programme: str | None
    names: tuple[str, ...]
    summary: str
    keywords: str
    referral: str = Service.Referral.DROP_IN
    cost: str = Service.Cost.FREE


KINDS = [
    Kind("food", "food-first", ("Food Bank", "Emergency Food"),
         "Emergency food parcels for people with a referral voucher.", "foodbank, food parcel",
         referral=Service.Referral.REFERRAL),
    Kind("food", "food-first", ("Community Pantry", "Food Club"),
         "A members' food pantry: £3.50 a visit.", "pantry, food club",
         referral=Service.Referral.SELF_REFERRAL, cost=Service.Cost.PAY_AS_YOU_CAN),
    Kind("food", "food-first", ("Community Fridge", "Community Lunch"),
         "Free surplus food and meals. Drop in.", "fridge, free food, meal"),
    Kind("warm-spaces", "warm-spaces", ("Warm Space", "Warm Welcome"),
         "A free warm room with hot drinks. Drop in.", "warm hub, warm bank"),
    Kind("sanctuary", "city-of-sanctuary", ("Sanctuary Drop-in", "Welcome Café"),
         "Advice and a welcome for people seeking sanctuary.", "asylum, refugee"),
    Kind("money-advice", None, ("Debt Advice", "Benefits Advice"),
         "Free money advice by appointment.", "debt, benefits, bills",
         referral=Service.Referral.SELF_REFERRAL),
    Kind("learning", "city-of-sanctuary", ("English Class", "Digital Skills"),
         "Free classes for adults.", "ESOL, English, computer",
         referral=Service.Referral.SELF_REFERRAL),
    Kind("families", None, ("Youth Club", "Stay and Play"),
         "Activities for children and young people.", "youth club, children"),
    Kind("community", None, ("Over-60s Club", "Coffee Morning"),
         "Company, tea and activities.", "social, lunch club", cost=Service.Cost.CHARGE),
    Kind("health-wellbeing", None, ("Wellbeing Group", "Walking Group"),
         "A friendly group for your health and wellbeing.", "mental health, walking"),
]  # fmt: skip

SESSION_PATTERNS = [
    ("MO,TH", datetime.time(10), datetime.time(12)),
    ("TU", datetime.time(13), datetime.time(15, 30)),
    ("WE,FR", datetime.time(9, 30), datetime.time(12, 30)),
    ("SA", datetime.time(10), datetime.time(13)),
    ("TU,TH", datetime.time(18), datetime.time(20, 30)),
    ("MO,TU,WE,TH,FR", datetime.time(11), datetime.time(15)),
    ("SU", datetime.time(12), datetime.time(16)),
]


def generate_directory(
    *,
    slug_prefix: str,
    name_suffix: str,
    organisations: Sequence[Organisation],
    services: int,
    locations: int,
) -> tuple[int, int]:
    """Bring the generated services and locations up to the given numbers (never down).

    Each service runs at one location (every third at two), with one or two weekly sessions,
    category and programme tags, a language and a ward service area. Rows are found again by
    their slug prefix, so a second call with the same numbers writes nothing. Returns how many
    services and locations were created.
    """
    if not organisations:
        return 0, 0
    terms = _terms()
    wards = list(Ward.objects.order_by("slug"))
    have_locations = Location.objects.filter(slug__startswith=f"{slug_prefix}-location-").count()
    new_locations = Location.objects.bulk_create(
        (
            Location(
                slug=f"{slug_prefix}-location-{n}",
                name=f"{wards[n % len(wards)].name} Venue {n} {name_suffix}",
                description=DEMO_DESCRIPTION,
                is_hub=n % 3 == 0,
                organisation=organisations[n % len(organisations)],
                ward=wards[n % len(wards)],
                # Spread across Luton's bounding box, deterministic so reruns match.
                latitude=51.865 + (n * 37 % 100) / 2500,
                longitude=-0.485 + (n * 53 % 100) / 1000,
                assured_date=timezone.localdate(),
            )
            for n in range(have_locations, locations)
        ),
        batch_size=1000,
    )
    Address.objects.bulk_create(
        (
            Address(
                location=location,
                address_1=f"Unit {location.pk % 50 + 1}, Demo Trading Estate",
                postal_code=f"LU{location.pk % 4 + 1} {location.pk % 9 + 1}XX",
            )
            for location in new_locations
        ),
        batch_size=1000,
    )
    all_locations = list(
        Location.objects.filter(slug__startswith=f"{slug_prefix}-location-")
        .select_related("ward")
        .order_by("pk")
    )
    have_services = Service.objects.filter(slug__startswith=f"{slug_prefix}-service-").count()
    if not all_locations or have_services >= services:
        return 0, len(new_locations)
    today = timezone.localdate()
    created = 0
    for chunk_start in range(have_services, services, 2000):
        numbers = range(chunk_start, min(chunk_start + 2000, services))
        batch = Service.objects.bulk_create(
            _generated_service(n, slug_prefix, name_suffix, organisations, today) for n in numbers
        )
        created += len(batch)
        at_locations: list[ServiceAtLocation] = []
        attributes: list[Attribute] = []
        languages: list[Language] = []
        areas: list[ServiceArea] = []
        for n, service in zip(numbers, batch, strict=True):
            kind = KINDS[n % len(KINDS)]
            places = [all_locations[n % len(all_locations)]]
            if n % 3 == 0 and len(all_locations) > 1:
                places.append(all_locations[(n * 7 + 1) % len(all_locations)])
            at_locations += [
                ServiceAtLocation(service=service, location=place)
                for place in dict.fromkeys(places)
            ]
            attributes += _tag(terms, "category", [kind.category], service=service)
            if kind.programme:
                attributes += _tag(terms, "programme", [kind.programme], service=service)
            code = list(LANGUAGES)[n % len(LANGUAGES)]
            if n % 2 == 0:
                languages.append(Language(service=service, code=code, name=LANGUAGES[code]))
            ward = places[0].ward
            areas.append(ServiceArea(service=service, ward=ward, name=ward.name if ward else ""))
        ServiceAtLocation.objects.bulk_create(at_locations)
        Attribute.objects.bulk_create(attributes)
        Language.objects.bulk_create(languages)
        ServiceArea.objects.bulk_create(areas)
        Schedule.objects.bulk_create(
            itertools.chain.from_iterable(
                _generated_schedules(at_location, today) for at_location in at_locations
            ),
            batch_size=2000,
        )
    return created, len(new_locations)


def _generated_service(
    n: int,
    slug_prefix: str,
    name_suffix: str,
    organisations: Sequence[Organisation],
    today: datetime.date,
) -> Service:
    kind = KINDS[n % len(KINDS)]
    stem = kind.names[(n // len(KINDS)) % len(kind.names)]
    return Service(
        slug=f"{slug_prefix}-service-{n}",
        name=f"{stem} {n} {name_suffix}",
        organisation=organisations[n % len(organisations)],
        summary=kind.summary,
        description=f"{kind.summary} {DEMO_DESCRIPTION}",
        keywords=kind.keywords,
        referral=kind.referral,
        cost=kind.cost,
        # A spread of "last verified" dates, some stale (over 6 months).
        assured_date=today - datetime.timedelta(days=n * 13 % 300),
        status=Service.Status.DEFUNCT if n % 97 == 0 else Service.Status.ACTIVE,
    )


def _generated_schedules(at_location: ServiceAtLocation, today: datetime.date) -> list[Schedule]:
    n = at_location.service_id + at_location.location_id
    byday, opens, closes = SESSION_PATTERNS[n % len(SESSION_PATTERNS)]
    schedules = [
        Schedule(service_at_location=at_location, byday=byday, opens_at=opens, closes_at=closes)
    ]
    if n % 4 == 0:
        schedules.append(
            Schedule(
                service_at_location=at_location,
                freq=Schedule.Frequency.MONTHLY,
                byday="1SA",
                opens_at=datetime.time(10),
                closes_at=datetime.time(12),
            )
        )
    return schedules
