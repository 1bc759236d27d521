"""Forms council staff use to write a consultation and attach its documents.

Dates follow the GOV.UK date input pattern (day, month and year boxes), with a time of day
beside each; both are London time (Europe/London), whatever the clocks are doing.
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luton2040.places.models import Ward
from taskforce.models import PopulationGroup

from ..models import Consultation, ConsultationDocument, Topic
from ..services.consultations import (
    DOCUMENT_ACCEPT,
    RESERVED_SLUGS,
    consultation_document_check,
    locked_fields,
)

LONDON = ZoneInfo("Europe/London")
Status = Consultation.Status

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}


# --- GOV.UK date input -----------------------------------------------------------------------


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes (names ``<field>_day``, ``_month``, ``_year``). Rendered by
    templates/engagement/consultations/includes/date_input.html through DateInputBoundField."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput},
            attrs=attrs,
        )

    def id_for_label(self, id_: str) -> str:
        # The day box, which the error summary links to (GOV.UK: the first box in error).
        return f"{id_}_0" if id_ else ""

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateInputBoundField(BoundField):
    @property
    def parts(self) -> list[dict[str, Any]]:
        """The three boxes with what to show in each (what was typed, after an error)."""
        value = self.value()
        if isinstance(value, datetime.date):
            value = [value.day, value.month, value.year]
        if not isinstance(value, list | tuple) or len(value) != 3:
            value = ["", "", ""]
        labels = (_("Day"), _("Month"), _("Year"))
        widths = ("govuk-input--width-2", "govuk-input--width-2", "govuk-input--width-4")
        return [
            {
                # The first box's id is the field's id_for_label, which the error summary
                # links to.
                "id": f"{self.auto_id}_{index}",
                "name": f"{self.html_name}_{suffix}",
                "label": labels[index],
                "value": "" if value[index] is None else value[index],
                "width": widths[index],
            }
            for index, suffix in enumerate(("day", "month", "year"))
        ]


class DateInputField(forms.MultiValueField):
    """A date typed into day, month and year boxes, with GOV.UK's error messages. ``what`` is
    how the messages name it: "the date it opens"."""

    widget = DateInputWidget
    bound_field_class = DateInputBoundField

    def __init__(self, *, what: Any, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault("help_text", _("For example, 27 3 2026"))
        super().__init__(
            fields=(forms.CharField(), forms.CharField(), forms.CharField()),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> Any:  # pragma: no cover - clean() does it
        raise NotImplementedError

    def clean(self, value: Any) -> datetime.date | None:
        parts = list(value) if isinstance(value, list | tuple) else ["", "", ""]
        day, month, year = (str(part or "").strip() for part in [*parts, "", "", ""][:3])
        what = str(self.what)
        if not (day or month or year):
            if self.required:
                raise ValidationError(_("Enter %(what)s"), code="required", params={"what": what})
            return None
        for name, part in ((_("day"), day), (_("month"), month), (_("year"), year)):
            if not part:
                raise ValidationError(
                    _("%(what)s must include a %(part)s"),
                    code="incomplete",
                    params={"what": what[:1].upper() + what[1:], "part": name},
                )
        month_number = _MONTHS.get(month.lower()) or (int(month) if month.isdigit() else 0)
        if not (day.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                _("%(what)s must be a real date, with a 4-digit year"),
                code="invalid",
                params={"what": what[:1].upper() + what[1:]},
            )
        try:
            return datetime.date(int(year), month_number, int(day))
        except ValueError:
            raise ValidationError(
                _("%(what)s must be a real date"),
                code="invalid",
                params={"what": what[:1].upper() + what[1:]},
            ) from None


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$", re.IGNORECASE)


class TimeOfDayField(forms.CharField):
    """A time of day typed as 09:00, 9:00, 17:30, 5:30pm, 9am, midday or midnight."""

    def __init__(self, *, what: Any, **kwargs: Any) -> None:
        self.what = what
        kwargs.setdefault(
            "help_text", _("Use the 24-hour clock, for example 09:00 or 23:59. UK time.")
        )
        kwargs.setdefault("max_length", 10)
        super().__init__(widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}), **kwargs)

    def clean(self, value: Any) -> datetime.time | None:  # type: ignore[override]
        text = str(value or "").strip().lower()
        if not text:
            if self.required:
                raise ValidationError(
                    _("Enter %(what)s"), code="required", params={"what": str(self.what)}
                )
            return None
        if text in ("midday", "noon", "12 noon"):
            return datetime.time(12, 0)
        if text == "midnight":
            return datetime.time(0, 0)
        found = _TIME.match(text)
        invalid = ValidationError(
            _("Enter %(what)s as a time on the 24-hour clock, like 09:00 or 23:59"),
            code="invalid",
            params={"what": str(self.what)},
        )
        if found is None:
            raise invalid
        hour, minute, half = int(found[1]), int(found[2] or 0), (found[3] or "").replace(".", "")
        if half:
            if not 1 <= hour <= 12:
                raise invalid
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise invalid
        return datetime.time(hour, minute)


# --- The consultation form -------------------------------------------------------------------

_BOOLEAN_FIELDS = (
    "allow_anonymous",
    "one_response_per_person",
    "allow_save_and_return",
    "ask_equality_questions",
    "publish_results",
)


def _london(day: datetime.date, time: datetime.time) -> datetime.datetime | None:
    """The moment a London clock shows ``time`` on ``day``; None for a time skipped when the
    clocks go forward (1am to 2am on the last Sunday of March). An hour the clocks go back
    over is taken the first time round (British Summer Time)."""
    moment = datetime.datetime.combine(day, time, tzinfo=LONDON)
    round_trip = moment.astimezone(datetime.UTC).astimezone(LONDON)
    if round_trip.replace(tzinfo=None) != moment.replace(tzinfo=None):
        return None
    return moment


class ConsultationForm(forms.Form):
    """A new consultation, or changes to one. Fields the consultation's state has locked
    (``locked_fields``) are left out; the page shows their values and why."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("Say what it is about, for example: Bus routes in south Luton"),
        error_messages={"required": _("Enter a title")},
    )
    slug = forms.SlugField(
        label=_("Web address"),
        max_length=200,
        required=False,
        help_text=_(
            "Lower-case letters, numbers and hyphens, for example bus-routes-2026. Leave it "
            "blank to make one from the title. It cannot change once the consultation is "
            "published."
        ),
        error_messages={
            "invalid": _("The web address must only use lower-case letters, numbers and hyphens")
        },
    )
    summary = forms.CharField(
        label=_("Summary in plain English"),
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two sentences, shown in the list of consultations."),
        error_messages={"required": _("Enter a summary")},
    )
    description = forms.CharField(
        label=_("What we are asking and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Leave a blank line between paragraphs."),
    )
    wards = forms.ModelMultipleChoiceField(
        label=_("Wards it affects"),
        queryset=Ward.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Leave them all unticked if it affects the whole town. People following a ward "
            "you tick are told when it opens."
        ),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People following a topic you tick are told when it opens."),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups of residents it affects"),
        queryset=PopulationGroup.objects.order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = DateInputField(label=_("Date it opens"), what=_("the date it opens"))
    opens_time = TimeOfDayField(
        label=_("Time it opens"), what=_("the time it opens"), initial="09:00"
    )
    closes_on = DateInputField(label=_("Date it closes"), what=_("the date it closes"))
    closes_time = TimeOfDayField(
        label=_("Time it closes"), what=_("the time it closes"), initial="23:59"
    )
    allow_anonymous = forms.BooleanField(
        label=_("Allow anonymous responses"),
        required=False,
        help_text=_(
            "People can respond without an account. Nothing that links a response to a person "
            "is stored."
        ),
    )
    one_response_per_person = forms.BooleanField(
        label=_("One response per person"),
        required=False,
        initial=True,
        help_text=_("People must sign in to respond, so we can tell if they respond twice."),
    )
    allow_save_and_return = forms.BooleanField(
        label=_("Let people save a response and come back to it by email link"),
        required=False,
        initial=True,
    )
    ask_equality_questions = forms.BooleanField(
        label=_("Ask the optional equality monitoring questions"),
        required=False,
        initial=True,
        help_text=_("Kept apart from the responses, so they cannot be joined to what people said."),
    )
    publish_results = forms.BooleanField(
        label=_("Publish the results after it closes"),
        required=False,
        help_text=_("Counts and charts for each question; free-text answers are never published."),
    )
    contact_email = forms.EmailField(
        label=_("Email address for questions about it (optional)"),
        required=False,
        help_text=_("Shown on the consultation page, for example consultations@luton.gov.uk"),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )

    def __init__(
        self,
        *args: Any,
        consultation: Consultation | None = None,
        now: datetime.datetime | None = None,
        **kwargs: Any,
    ) -> None:
        self.consultation = consultation
        self.now = now or timezone.now()
        self.locked = locked_fields(consultation)
        if consultation is not None:
            kwargs.setdefault("initial", self._initial_from(consultation))
        super().__init__(*args, **kwargs)
        for name in self.locked:
            if name.endswith("_at"):
                prefix = name.removesuffix("_at")
                self.fields.pop(f"{prefix}_on", None)
                self.fields.pop(f"{prefix}_time", None)
            else:
                self.fields.pop(name, None)

    @staticmethod
    def _initial_from(consultation: Consultation) -> dict[str, Any]:
        opens = timezone.localtime(consultation.opens_at, LONDON)
        closes = timezone.localtime(consultation.closes_at, LONDON)
        return {
            "title": consultation.title,
            "slug": consultation.slug,
            "summary": consultation.summary,
            "description": consultation.description,
            "wards": list(consultation.wards.all()),
            "topics": list(consultation.topics),
            "groups": list(consultation.groups.all()),
            "opens_on": opens.date(),
            "opens_time": opens.strftime("%H:%M"),
            "closes_on": closes.date(),
            "closes_time": closes.strftime("%H:%M"),
            "contact_email": consultation.contact_email,
            **{name: getattr(consultation, name) for name in _BOOLEAN_FIELDS},
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        moments: dict[str, datetime.datetime | None] = {}
        for prefix in ("opens", "closes"):
            if f"{prefix}_on" not in self.fields:
                # Only an existing consultation locks its dates.
                moments[prefix] = getattr(self.consultation, f"{prefix}_at")
                continue
            day, time = cleaned.get(f"{prefix}_on"), cleaned.get(f"{prefix}_time")
            moments[prefix] = None
            if day is None or time is None:
                continue
            moment = _london(day, time)
            if moment is None:
                self.add_error(
                    f"{prefix}_time",
                    _(
                        "The clocks go forward at 1am on that day, so there is no %(time)s: "
                        "choose a time after 2am"
                    )
                    % {"time": time.strftime("%H:%M")},
                )
                continue
            moments[prefix] = moment
            cleaned[f"{prefix}_at"] = moment
        opens_at, closes_at = moments["opens"], moments["closes"]
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_on", _("The consultation must close after it opens"))
        elif (
            closes_at
            and "closes_on" in self.fields
            and self.consultation is not None
            and self.consultation.status == Status.OPEN
            and closes_at <= self.now
        ):
            self.add_error(
                "closes_on",
                _("The consultation is open, so the new closing date must be in the future"),
            )

        anonymous = self._effective(cleaned, "allow_anonymous")
        one_each = self._effective(cleaned, "one_response_per_person")
        if anonymous and one_each and "one_response_per_person" in self.fields:
            # The model's check constraint says the same; this says it in words.
            self.add_error(
                "one_response_per_person",
                _(
                    "You cannot have both anonymous responses and one response per person. To "
                    "allow only one response each, people must sign in, so their responses are "
                    "not anonymous. Untick one of them"
                ),
            )

        slug = cleaned.get("slug")
        if "slug" in self.fields and slug:
            others = Consultation.objects.filter(slug=slug)
            if self.consultation is not None:
                others = others.exclude(pk=self.consultation.pk)
            if slug in RESERVED_SLUGS:
                self.add_error("slug", _("That web address is reserved: choose another"))
            elif others.exists():
                self.add_error(
                    "slug", _("Another consultation already uses that web address: choose another")
                )
        return cleaned

    def _effective(self, cleaned: dict[str, Any], name: str) -> bool:
        if name in self.fields:
            return bool(cleaned.get(name))
        return bool(getattr(self.consultation, name, False))

    def changes(self) -> dict[str, Any]:
        """The consultation's fields from this form, for consultation_create/_update; locked
        fields are left out. Call after is_valid()."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for name in ("title", "slug", "summary", "description", "topics"):
            if name in self.fields:
                values[name] = data[name]
        for name in ("wards", "groups"):
            if name in self.fields:
                values[name] = list(data[name])
        for prefix in ("opens", "closes"):
            if f"{prefix}_on" in self.fields:
                values[f"{prefix}_at"] = data[f"{prefix}_at"]
        for name in (*_BOOLEAN_FIELDS, "contact_email"):
            if name in self.fields:
                values[name] = data[name]
        return values

    @property
    def date_fields(self) -> list[tuple[BoundField, BoundField]]:
        """(date, time) pairs still on the form, for the template."""
        return [
            (self[f"{prefix}_on"], self[f"{prefix}_time"])
            for prefix in ("opens", "closes")
            if f"{prefix}_on" in self.fields
        ]


# --- Documents -------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("What people will see, for example: Proposed bus routes (map)"),
        error_messages={"required": _("Enter a title for the document")},
    )
    kind = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=ConsultationDocument.Kind.choices,
        initial=ConsultationDocument.Kind.MAIN,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what kind of document it is")},
    )
    language = forms.CharField(
        label=_("Language (for a translation)"),
        max_length=10,
        required=False,
        help_text=_("For example, ur for Urdu or pl for Polish. Leave blank for English."),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    file = forms.FileField(
        label=_("Upload a file"),
        help_text=_("PDF, Word (.docx), OpenDocument (.odt, .ods) or Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
        error_messages={
            "required": _("Select a file"),
            "empty": _("The selected file is empty"),
        },
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        consultation_document_check(upload, name=upload.name, size=upload.size)
        upload.seek(0)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("kind") == ConsultationDocument.Kind.TRANSLATION
            and not cleaned.get("language", "").strip()
        ):
            self.add_error("language", _("Enter the language of the translation, like ur or pl"))
        return cleaned
