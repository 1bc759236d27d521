"""Forms organisation editors use to propose a service or hub, and staff use to decide.

Each form turns what was typed into a snapshot (see hubs/services/review.py) and back. Repeating
parts (opening times, closures, languages, costs, phones) are formsets whose every row is
optional: a blank row is ignored, so "add another" works by submitting with no JavaScript.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from luton2040.formsets import OptionalRowsFormSet

from .models import Location, Organisation, Schedule, Service, TaxonomyTerm
from .services.review import ADDRESS_FIELDS, SERVICE_FIELDS, SERVICE_TERM_KINDS, Snapshot

DATE_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %m %Y"]
DATE_HINT = _("For example, 31/3/2026")
TIME_HINT = _("24-hour clock, for example 09:30 or 17:00")
SHORT = "govuk-input--width-10"
MEDIUM = "govuk-input--width-20"

# RFC 5545 BYDAY: weekly "MO,TH"; monthly may put the week first ("2MO", "-1FR").
_DAY = r"(MO|TU|WE|TH|FR|SA|SU)"
_WEEKLY_DAYS = re.compile(rf"^{_DAY}(,{_DAY})*$")
_MONTHLY_DAYS = re.compile(rf"^(-1|[1-5])?{_DAY}(,(-1|[1-5])?{_DAY})*$")

FREQUENCY_CHOICES = [
    ("weekly", _("Every week")),
    ("fortnightly", _("Every other week")),
    ("monthly", _("Once a month")),
]


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text=DATE_HINT,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": SHORT}),
        error_messages={"invalid": _("Enter a real date, for example 31/3/2026")},
        **kwargs,
    )


def _time_field(label: Any) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=TIME_HINT,
        widget=forms.TimeInput(format="%H:%M", attrs={"class": SHORT}),
        error_messages={"invalid": _("Enter a time on the 24-hour clock, for example 17:00")},
    )


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _hhmm(value: datetime.time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _from_iso(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _from_hhmm(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


# --- Opening times ---------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    """One regular session."""

    location = forms.ChoiceField(label=_("Where"), required=False)
    frequency = forms.ChoiceField(label=_("How often"), choices=FREQUENCY_CHOICES, initial="weekly")
    byday = forms.CharField(
        label=_("Days"),
        required=False,
        max_length=40,
        help_text=_(
            "Two-letter days separated by commas: MO, TU, WE, TH, FR, SA, SU. For a monthly "
            "session put the week first: 2MO is the second Monday, -1FR the last Friday."
        ),
        widget=forms.TextInput(attrs={"class": MEDIUM}),
    )
    opens_at = _time_field(_("Opens at"))
    closes_at = _time_field(_("Closes at"))
    past_midnight = forms.BooleanField(
        label=_("Runs past midnight (closes the next day)"), required=False
    )
    first_session = _date_field(
        _("Date of one session (needed for every other week)"),
    )
    valid_from = _date_field(_("Runs from (optional)"))
    valid_to = _date_field(_("Runs until (optional)"))
    open_on_bank_holidays = forms.BooleanField(label=_("Runs on bank holidays"), required=False)

    def __init__(
        self, *args: Any, location_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if location_choices is None:
            del self.fields["location"]
        else:
            self.fields["location"].choices = location_choices  # type: ignore[attr-defined]

    def clean_byday(self) -> str:
        return re.sub(r"\s+", "", self.cleaned_data["byday"]).upper().strip(",")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        byday = data.get("byday", "")
        frequency = data.get("frequency")
        if not byday:
            self.add_error("byday", _("Enter the days the session runs, for example MO,TH"))
        elif frequency == "monthly" and not _MONTHLY_DAYS.match(byday):
            self.add_error(
                "byday",
                _("Enter days as two-letter codes with the week first, for example 2MO or -1FR"),
            )
        elif frequency != "monthly" and not _WEEKLY_DAYS.match(byday):
            self.add_error("byday", _("Enter days as two-letter codes, for example MO,TH"))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens is None and "opens_at" not in self.errors:
            self.add_error("opens_at", _("Enter the time the session opens"))
        if closes is None and "closes_at" not in self.errors:
            self.add_error("closes_at", _("Enter the time the session closes"))
        if opens and closes:
            if opens == closes:
                self.add_error(
                    "closes_at", _("The closing time must be different from the opening time")
                )
            elif closes < opens and not data.get("past_midnight"):
                self.add_error(
                    "closes_at",
                    _(
                        "The closing time must be after the opening time. If the session "
                        "runs past midnight, tick “Runs past midnight”"
                    ),
                )
        if (
            frequency == "fortnightly"
            and not data.get("first_session")
            and "first_session" not in self.errors
        ):
            self.add_error(
                "first_session", _("Enter the date of one session, so we know which weeks it runs")
            )
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error(
                "valid_to", _("The end date must be the same as or after the start date")
            )
        return data

    @staticmethod
    def to_snapshot(row: dict[str, Any]) -> dict[str, Any]:
        frequency = row["frequency"]
        return {
            "freq": Schedule.Frequency.MONTHLY
            if frequency == "monthly"
            else Schedule.Frequency.WEEKLY,
            "interval": 2 if frequency == "fortnightly" else 1,
            "byday": row["byday"],
            "dtstart": _iso(row.get("first_session")),
            "opens_at": _hhmm(row["opens_at"]),
            "closes_at": _hhmm(row["closes_at"]),
            "valid_from": _iso(row.get("valid_from")),
            "valid_to": _iso(row.get("valid_to")),
            "open_on_bank_holidays": bool(row.get("open_on_bank_holidays")),
            "description": "",
        }

    @staticmethod
    def from_snapshot(row: dict[str, Any], location: str | None = None) -> dict[str, Any]:
        if row.get("freq") == Schedule.Frequency.MONTHLY:
            frequency = "monthly"
        else:
            frequency = "fortnightly" if row.get("interval") == 2 else "weekly"
        opens, closes = _from_hhmm(row.get("opens_at")), _from_hhmm(row.get("closes_at"))
        return {
            "location": location or "",
            "frequency": frequency,
            "byday": row.get("byday", ""),
            "opens_at": opens,
            "closes_at": closes,
            "past_midnight": bool(opens and closes and closes < opens),
            "first_session": _from_iso(row.get("dtstart")),
            "valid_from": _from_iso(row.get("valid_from")),
            "valid_to": _from_iso(row.get("valid_to")),
            "open_on_bank_holidays": bool(row.get("open_on_bank_holidays")),
        }


class ExceptionForm(forms.Form):
    """A closure or special hours on particular dates."""

    location = forms.ChoiceField(label=_("Where"), required=False)
    starts_on = _date_field(_("From"))
    ends_on = _date_field(_("To (leave blank for one day)"))
    closed = forms.BooleanField(label=_("Closed all day"), required=False, initial=True)
    opens_at = _time_field(_("Special opening time"))
    closes_at = _time_field(_("Special closing time"))
    reason = forms.CharField(
        label=_("Reason shown to residents"),
        required=False,
        max_length=200,
        help_text=_("For example, Christmas"),
    )

    def __init__(
        self, *args: Any, location_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if location_choices is None:
            del self.fields["location"]
        else:
            self.fields["location"].choices = location_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts is None and "starts_on" not in self.errors:
            self.add_error("starts_on", _("Enter the first date of the change"))
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be the same as or after the start date"))
        if not data.get("closed"):
            opens, closes = data.get("opens_at"), data.get("closes_at")
            if not opens or not closes:
                self.add_error(
                    "opens_at",
                    _("Enter special opening and closing times, or tick “Closed all day”"),
                )
            elif closes <= opens:
                self.add_error("closes_at", _("The closing time must be after the opening time"))
        return data

    @staticmethod
    def to_snapshot(row: dict[str, Any]) -> dict[str, Any]:
        closed = bool(row.get("closed"))
        return {
            "starts_on": _iso(row["starts_on"]),
            "ends_on": _iso(row.get("ends_on") or row["starts_on"]),
            "closed": closed,
            "opens_at": None if closed else _hhmm(row.get("opens_at")),
            "closes_at": None if closed else _hhmm(row.get("closes_at")),
            "reason": row.get("reason", ""),
        }

    @staticmethod
    def from_snapshot(row: dict[str, Any], location: str | None = None) -> dict[str, Any]:
        return {
            "location": location or "",
            "starts_on": _from_iso(row.get("starts_on")),
            "ends_on": _from_iso(row.get("ends_on")),
            "closed": bool(row.get("closed")),
            "opens_at": _from_hhmm(row.get("opens_at")),
            "closes_at": _from_hhmm(row.get("closes_at")),
            "reason": row.get("reason", ""),
        }


class LanguageForm(forms.Form):
    name = forms.CharField(
        label=_("Language"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": MEDIUM}),
    )
    code = forms.RegexField(
        label=_("Language code"),
        required=False,
        regex=r"^[a-zA-Z]{2,3}$",
        help_text=_("Two or three letters, for example ur for Urdu or pl for Polish"),
        error_messages={
            "invalid": _("Enter a language code of two or three letters, for example ur")
        },
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and "name" not in self.errors:
            self.add_error("name", _("Enter the name of the language"))
        if not data.get("code") and "code" not in self.errors:
            self.add_error("code", _("Enter the language code, for example ur"))
        if data.get("code"):
            data["code"] = data["code"].lower()
        return data


class CostOptionForm(forms.Form):
    option = forms.CharField(label=_("Who or what it applies to"), required=False, max_length=250)
    amount = forms.DecimalField(
        label=_("Amount in pounds"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        widget=forms.TextInput(attrs={"class": SHORT, "inputmode": "decimal"}),
        error_messages={"invalid": _("Enter an amount in pounds, for example 2.50")},
    )
    amount_description = forms.CharField(label=_("Description"), required=False, max_length=250)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not any(data.get(name) for name in ("option", "amount_description"))
            and data.get("amount") is None
            and not self.errors
        ):
            return {}
        if (
            not data.get("amount_description")
            and data.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", _("Enter an amount or describe the cost"))
        return data


class PhoneForm(forms.Form):
    number = forms.CharField(
        label=_("Phone number"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"class": MEDIUM, "type": "tel", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("When to call"), required=False, max_length=250)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("number", "")
        if not number:
            self.add_error("number", _("Enter a phone number"))
        elif not re.fullmatch(r"[0-9 +()\-]{6,30}", number):
            self.add_error("number", _("Enter a phone number, like 01582 546000"))
        return data


class AccessibilityForm(forms.Form):
    description = forms.CharField(label=_("What you offer"), required=False, max_length=250)
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("description"):
            self.add_error(
                "description", _("Enter what you offer, for example a ramp at the side door")
            )
        return data


ScheduleFormSet = formset_factory(ScheduleForm, formset=OptionalRowsFormSet, extra=2, max_num=30)
ExceptionFormSet = formset_factory(ExceptionForm, formset=OptionalRowsFormSet, extra=1, max_num=30)
LanguageFormSet = formset_factory(LanguageForm, formset=OptionalRowsFormSet, extra=1, max_num=20)
CostOptionFormSet = formset_factory(
    CostOptionForm, formset=OptionalRowsFormSet, extra=1, max_num=10
)
PhoneFormSet = formset_factory(PhoneForm, formset=OptionalRowsFormSet, extra=1, max_num=10)
AccessibilityFormSet = formset_factory(
    AccessibilityForm, formset=OptionalRowsFormSet, extra=1, max_num=20
)


def _terms(kind: str) -> list[tuple[str, str]]:
    return [
        (term.slug, term.name)
        for term in TaxonomyTerm.objects.filter(taxonomy__kind=kind).order_by("name")
    ]


# --- A whole listing -------------------------------------------------------------------------


class ListingEditor:
    """The main form plus its formsets, handled as one: valid only when all are valid."""

    main_form_class: type[forms.Form]
    formset_classes: dict[str, type[BaseFormSet[Any]]]

    def __init__(
        self, data: Any = None, *, initial: Snapshot | None = None, **context: Any
    ) -> None:
        self.context = context
        self.is_bound = data is not None
        initial_rows = self.rows_from_snapshot(initial) if initial else {}
        self.form = self.main_form_class(
            data,
            initial=None if self.is_bound else self.fields_from_snapshot(initial or {}),
            **self.main_form_kwargs(),
        )
        self.formsets: dict[str, Any] = {}
        for prefix, formset_class in self.formset_classes.items():
            self.formsets[prefix] = formset_class(
                data,
                prefix=prefix,
                initial=None if self.is_bound else initial_rows.get(prefix, []),
                form_kwargs=self.row_kwargs(prefix),
            )

    def main_form_kwargs(self) -> dict[str, Any]:
        return {}

    def row_kwargs(self, prefix: str) -> dict[str, Any]:
        return {}

    def fields_from_snapshot(self, snapshot: Snapshot) -> dict[str, Any]:
        return dict(snapshot)

    def rows_from_snapshot(self, snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
        return {}

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    @property
    def errors(self) -> list[tuple[str, str]]:
        """Every error as (anchor id, message) for the GOV.UK error summary, in page order."""
        found: list[tuple[str, str]] = []
        for form in [self.form, *(f for fs in self.formsets.values() for f in fs.forms)]:
            if not form.is_bound:
                continue
            for name, messages in form.errors.items():
                if name == "__all__":
                    anchor = next(iter(form.fields), "")
                    anchor_id = form[anchor].auto_id if anchor else ""
                else:
                    field = form[name]
                    anchor_id = (
                        f"{field.auto_id}_0"
                        if field.widget_type in ("radioselect", "checkboxselectmultiple")
                        else field.auto_id
                    )
                for message in messages:
                    found.append((anchor_id, str(message)))
        for formset in self.formsets.values():
            if formset.is_bound:
                for message in formset.non_form_errors():
                    found.append(("", str(message)))
        return found


class ServiceForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the service"),
        max_length=200,
        error_messages={"required": _("Enter the name of the service")},
    )
    alternate_name = forms.CharField(
        label=_("Other name (optional)"), required=False, max_length=200
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two plain sentences for search results."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Enter a summary of the service")},
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    keywords = forms.CharField(
        label=_("Search keywords (optional)"),
        required=False,
        max_length=300,
        help_text=_("Other words people might search for, such as foodbank or pantry."),
    )
    url = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://www.example.org")},
    )
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        error_messages={"invalid": _("Enter an email address, like name@example.org")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(
        label=_("Is it running?"), choices=Service.Status.choices, widget=forms.RadioSelect
    )
    alert = forms.CharField(
        label=_("Notice at the top of the listing (optional)"),
        required=False,
        max_length=250,
        help_text=_("A short notice, such as a change of venue."),
    )
    minimum_age = forms.IntegerField(
        label=_("Youngest age (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    maximum_age = forms.IntegerField(
        label=_("Oldest age (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )
    eligibility_description = forms.CharField(
        label=_("Who it is for"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    referral = forms.ChoiceField(
        label=_("How people get it"), choices=Service.Referral.choices, widget=forms.RadioSelect
    )
    who_can_refer = forms.CharField(
        label=_("Who can refer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    application_process = forms.CharField(
        label=_("How to get it, in detail (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    what_to_bring = forms.CharField(
        label=_("What to bring (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    cost = forms.ChoiceField(
        label=_("Cost"), choices=Service.Cost.choices, widget=forms.RadioSelect
    )
    fees_description = forms.CharField(
        label=_("Cost details (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    interpretation_services = forms.CharField(
        label=_("Interpreting (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    categories = forms.MultipleChoiceField(
        label=_("Kinds of help"), required=False, widget=forms.CheckboxSelectMultiple
    )
    programmes = forms.MultipleChoiceField(
        label=_("Luton 2040 programmes it is part of"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligibility = forms.MultipleChoiceField(
        label=_("Groups it is set up to help"), required=False, widget=forms.CheckboxSelectMultiple
    )
    locations = forms.MultipleChoiceField(
        label=_("Where it runs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Places with opening times below are added for you."),
    )

    def __init__(self, *args: Any, location_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, kind in SERVICE_TERM_KINDS.items():
            self.fields[key].choices = _terms(kind)  # type: ignore[attr-defined]
        self.fields["locations"].choices = location_choices  # type: ignore[attr-defined]
        self.initial.setdefault("status", Service.Status.ACTIVE)
        self.initial.setdefault("referral", Service.Referral.DROP_IN)
        self.initial.setdefault("cost", Service.Cost.FREE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and high < low:
            self.add_error(
                "maximum_age", _("The oldest age must be the same as or more than the youngest age")
            )
        return data


def service_location_choices(
    organisation: Organisation, also: list[str] | None = None
) -> list[tuple[str, str]]:
    """Places a service may run: its organisation's own, every community hub, and any place it
    already runs (`also`, by slug)."""
    places = Location.objects.filter(
        Q(organisation=organisation) | Q(is_hub=True) | Q(slug__in=also or [])
    ).order_by("name")
    return [(place.slug, place.name) for place in places]


class ServiceEditor(ListingEditor):
    main_form_class = ServiceForm
    formset_classes = {
        "schedules": ScheduleFormSet,
        "exceptions": ExceptionFormSet,
        "languages": LanguageFormSet,
        "costs": CostOptionFormSet,
    }

    def __init__(
        self, data: Any = None, *, organisation: Organisation, initial: Snapshot | None = None
    ) -> None:
        running = [p["location"] for p in (initial or {}).get("locations", []) if p.get("location")]
        self.location_choices = service_location_choices(organisation, running)
        self.published = initial
        super().__init__(data, initial=initial)

    def main_form_kwargs(self) -> dict[str, Any]:
        return {"location_choices": self.location_choices}

    def row_kwargs(self, prefix: str) -> dict[str, Any]:
        if prefix in ("schedules", "exceptions"):
            blank = [("", str(_("Wherever it runs, or online")))]
            return {"location_choices": blank + self.location_choices}
        return {}

    def fields_from_snapshot(self, snapshot: Snapshot) -> dict[str, Any]:
        fields = {key: snapshot.get(key) for key in SERVICE_FIELDS if key in snapshot}
        for key in SERVICE_TERM_KINDS:
            fields[key] = snapshot.get(key, [])
        fields["locations"] = [
            p["location"] for p in snapshot.get("locations", []) if p.get("location")
        ]
        return fields

    def rows_from_snapshot(self, snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
        places = snapshot.get("locations", [])
        return {
            "schedules": [
                ScheduleForm.from_snapshot(row, p.get("location"))
                for p in places
                for row in p.get("schedules", [])
            ],
            "exceptions": [
                ExceptionForm.from_snapshot(row, p.get("location"))
                for p in places
                for row in p.get("exceptions", [])
            ],
            "languages": list(snapshot.get("languages", [])),
            "costs": [
                {**row, "amount": row.get("amount")} for row in snapshot.get("cost_options", [])
            ],
        }

    def snapshot(self) -> Snapshot:
        """The proposed listing, from valid input."""
        data = self.form.cleaned_data
        snapshot: Snapshot = {key: data.get(key) for key in SERVICE_FIELDS}
        for key in ("url", "email", "alternate_name", "description", "keywords", "alert"):
            snapshot[key] = snapshot[key] or ""
        for key in SERVICE_TERM_KINDS:
            snapshot[key] = sorted(data.get(key, []))
        schedules = self.formsets["schedules"].filled_rows()
        exceptions = self.formsets["exceptions"].filled_rows()
        slugs = list(
            dict.fromkeys(
                [
                    *data.get("locations", []),
                    *(r["location"] for r in schedules + exceptions if r.get("location")),
                ]
            )
        )
        descriptions = {
            p.get("location"): p.get("description", "")
            for p in (self.published or {}).get("locations", [])
        }
        places = []
        for slug in sorted(slugs):
            places.append(
                {
                    "location": slug,
                    "description": descriptions.get(slug, ""),
                    "schedules": _ordered(
                        [
                            ScheduleForm.to_snapshot(r)
                            for r in schedules
                            if r.get("location") == slug
                        ]
                    ),
                    "exceptions": _ordered(
                        [
                            ExceptionForm.to_snapshot(r)
                            for r in exceptions
                            if r.get("location") == slug
                        ]
                    ),
                }
            )
        everywhere_schedules = [
            ScheduleForm.to_snapshot(r) for r in schedules if not r.get("location")
        ]
        everywhere_exceptions = [
            ExceptionForm.to_snapshot(r) for r in exceptions if not r.get("location")
        ]
        if everywhere_schedules or everywhere_exceptions:
            places.append(
                {
                    "location": None,
                    "description": "",
                    "schedules": _ordered(everywhere_schedules),
                    "exceptions": _ordered(everywhere_exceptions),
                }
            )
        snapshot["locations"] = places
        snapshot["languages"] = sorted(
            (
                {"code": r["code"], "name": r["name"]}
                for r in self.formsets["languages"].filled_rows()
            ),
            key=lambda row: (row["name"], row["code"]),
        )
        snapshot["cost_options"] = _ordered(
            [
                {
                    "option": r.get("option", ""),
                    "amount": None if r.get("amount") is None else str(r["amount"]),
                    "amount_description": r.get("amount_description", ""),
                    "valid_from": None,
                    "valid_to": None,
                }
                for r in self.formsets["costs"].filled_rows()
            ]
        )
        return snapshot


def _ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from .services.review import _sorted

    return _sorted(rows)


class HubForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the hub or venue"),
        max_length=200,
        error_messages={"required": _("Enter the name of the hub or venue")},
    )
    alternate_name = forms.CharField(
        label=_("Other name (optional)"), required=False, max_length=200
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    transportation = forms.CharField(
        label=_("How to get there (optional)"),
        required=False,
        help_text=_("Buses, parking, step-free routes."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    url = forms.URLField(
        label=_("Website (optional)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://www.example.org")},
    )
    address_1 = forms.CharField(
        label=_("Address line 1"),
        max_length=200,
        error_messages={"required": _("Enter the first line of the address")},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_2 = forms.CharField(
        label=_("Address line 2 (optional)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=_("Town"),
        max_length=100,
        initial="Luton",
        error_messages={"required": _("Enter the town")},
        widget=forms.TextInput(attrs={"class": MEDIUM, "autocomplete": "address-level2"}),
    )
    postal_code = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={"required": _("Enter the postcode")},
        widget=forms.TextInput(attrs={"class": SHORT, "autocomplete": "postal-code"}),
    )
    accessibility_terms = forms.MultipleChoiceField(
        label=_("Accessibility features"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accessibility_terms"].choices = _terms("accessibility")  # type: ignore[attr-defined]

    def clean_postal_code(self) -> str:
        from luton2040.places.postcodes import InvalidPostcode, normalise_postcode

        try:
            return normalise_postcode(self.cleaned_data["postal_code"])
        except InvalidPostcode as problem:
            raise ValidationError(problem.messages) from None


class HubEditor(ListingEditor):
    main_form_class = HubForm
    formset_classes = {
        "schedules": ScheduleFormSet,
        "exceptions": ExceptionFormSet,
        "phones": PhoneFormSet,
        "access": AccessibilityFormSet,
        "languages": LanguageFormSet,
    }

    def row_kwargs(self, prefix: str) -> dict[str, Any]:
        return {"location_choices": None} if prefix in ("schedules", "exceptions") else {}

    def fields_from_snapshot(self, snapshot: Snapshot) -> dict[str, Any]:
        fields = {
            key: snapshot.get(key)
            for key in ("name", "alternate_name", "description", "transportation", "url")
        }
        fields.update({k: v for k, v in (snapshot.get("address") or {}).items() if v})
        fields["accessibility_terms"] = snapshot.get("accessibility_terms", [])
        return {key: value for key, value in fields.items() if value is not None}

    def rows_from_snapshot(self, snapshot: Snapshot) -> dict[str, list[dict[str, Any]]]:
        return {
            "schedules": [ScheduleForm.from_snapshot(row) for row in snapshot.get("schedules", [])],
            "exceptions": [
                ExceptionForm.from_snapshot(row) for row in snapshot.get("exceptions", [])
            ],
            "phones": list(snapshot.get("phones", [])),
            "access": list(snapshot.get("accessibility", [])),
            "languages": list(snapshot.get("languages", [])),
        }

    def snapshot(self) -> Snapshot:
        data = self.form.cleaned_data
        snapshot: Snapshot = {
            key: data.get(key) or ""
            for key in ("name", "alternate_name", "description", "transportation", "url")
        }
        snapshot["address"] = {key: data.get(key) or "" for key in ADDRESS_FIELDS}
        snapshot["phones"] = _ordered(
            [
                {"number": r["number"], "description": r.get("description", "")}
                for r in self.formsets["phones"].filled_rows()
            ]
        )
        snapshot["accessibility"] = _ordered(
            [
                {"description": r["description"], "details": r.get("details", "")}
                for r in self.formsets["access"].filled_rows()
            ]
        )
        snapshot["accessibility_terms"] = sorted(data.get("accessibility_terms", []))
        snapshot["languages"] = sorted(
            (
                {"code": r["code"], "name": r["name"]}
                for r in self.formsets["languages"].filled_rows()
            ),
            key=lambda row: (row["name"], row["code"]),
        )
        snapshot["schedules"] = _ordered(
            [ScheduleForm.to_snapshot(r) for r in self.formsets["schedules"].filled_rows()]
        )
        snapshot["exceptions"] = _ordered(
            [ExceptionForm.to_snapshot(r) for r in self.formsets["exceptions"].filled_rows()]
        )
        return snapshot


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it not approved?"),
        help_text=_("The editor reads this. Say what to change so it can be approved."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter a reason, so the editor knows what to change")},
    )


class ApproveForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
