"""Forms for citizens' assemblies: residents registering interest, and council staff setting
up an assembly, its quotas, its draw and the council's response to its recommendations."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luton2040.audit.forms import UKDateField
from luton2040.places.postcodes import InvalidPostcode, lookup_postcode
from taskforce.selectors.actions import parent_choices
from taskforce.selectors.vocabulary import outcome_list

from ..models import (
    Assembly,
    AssemblySession,
    Decision,
    FeatureCategory,
    Recommendation,
    StratificationFeature,
    Volunteer,
)
from ..services.assemblies import ACCEPTING, MAX_SEED


def _date(label: Any) -> UKDateField:
    return UKDateField(
        label=label,
        help_text=_("For example, 27/3/2027"),
        error_messages={
            "required": _("Enter the date: %(label)s") % {"label": label},
            "invalid": _("%(label)s must be a real date, like 27/3/2027") % {"label": label},
        },
        # Day first, as people in the UK write dates (a saved date is shown the same way).
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "govuk-input--width-10"}),
    )


# --- Council staff: the assembly ------------------------------------------------------------


class AssemblyForm(forms.ModelForm):
    starts_on = _date(_("First session"))
    ends_on = _date(_("Last session"))
    recruitment_closes_on = _date(_("Registration closes"))

    class Meta:
        model = Assembly
        fields = [
            "title",
            "question",
            "summary",
            "starts_on",
            "ends_on",
            "recruitment_closes_on",
            "target_size",
            "reserves",
            "algorithm",
        ]
        labels = {
            "title": _("Title"),
            "question": _("The question it answers"),
            "summary": _("Why the council is asking (plain English)"),
            "target_size": _("Members to select"),
            "reserves": _("Reserves to select"),
            "algorithm": _("How to choose by lot"),
        }
        help_texts = {
            "question": _(
                "For example, How can Luton make sure no one goes without food or warmth?"
            ),
            "summary": _("Shown on the assembly's page: why this question, and what happens next."),
            "target_size": _("Usually between 20 and 50."),
            "reserves": _("Asked to join if a member cannot take part."),
            "algorithm": _(
                "Both meet every quota. Maximin gives the volunteer with the lowest chance of "
                "selection the highest chance it can; Nash spreads chances more evenly overall."
            ),
        }
        error_messages = {
            "title": {"required": _("Enter a title")},
            "question": {"required": _("Enter the question the assembly answers")},
            "summary": {"required": _("Enter why the council is asking")},
            "target_size": {
                "required": _("Enter how many members to select"),
                "invalid": _("Members to select must be a whole number, like 30"),
            },
            "reserves": {
                "required": _("Enter how many reserves to select (0 for none)"),
                "invalid": _("Reserves to select must be a whole number, like 5"),
            },
            "algorithm": {"required": _("Select how to choose by lot")},
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "target_size": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "reserves": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "algorithm": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        algorithm = self.fields["algorithm"]
        algorithm.choices = [c for c in algorithm.choices if c[0] != ""]  # type: ignore[attr-defined]

    def clean_target_size(self) -> int:
        size: int = self.cleaned_data["target_size"]
        if size < 2:
            raise forms.ValidationError(_("Members to select must be 2 or more"))
        return size

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        closes = cleaned.get("recruitment_closes_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The last session must be on or after the first"))
        if starts and closes and closes >= starts:
            self.add_error(
                "recruitment_closes_on",
                _("Registration must close before the first session, to leave time for the draw"),
            )
        return cleaned


class SessionForm(forms.ModelForm):
    """A session: its day and times are typed separately and combined in London time."""

    day = _date(_("Date"))
    starts = forms.TimeField(
        label=_("Starts"),
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I.%M%p"],
        help_text=_("For example, 18:30"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the time it starts"),
            "invalid": _("Enter the start time like 18:30"),
        },
    )
    ends = forms.TimeField(
        label=_("Ends"),
        input_formats=["%H:%M", "%H.%M", "%I:%M%p", "%I%p", "%I.%M%p"],
        help_text=_("For example, 20:30"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": _("Enter the time it ends"),
            "invalid": _("Enter the end time like 20:30"),
        },
    )

    class Meta:
        model = AssemblySession
        fields = ["title", "place", "hub"]
        labels = {
            "title": _("Title"),
            "place": _("Where"),
            "hub": _("Community hub (if it is at one)"),
        }
        help_texts = {"title": _("For example, Session 1: what we heard so far")}
        error_messages = {
            "title": {"required": _("Enter a title for the session")},
            "place": {"required": _("Enter where the session is")},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hub"].empty_label = _("Not at a hub")  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            starts = timezone.localtime(self.instance.starts_at)
            ends = timezone.localtime(self.instance.ends_at)
            self.initial.update(
                {"day": starts.date(), "starts": starts.time(), "ends": ends.time()}
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, starts, ends = cleaned.get("day"), cleaned.get("starts"), cleaned.get("ends")
        if day and starts and ends:
            if ends <= starts:
                self.add_error("ends", _("The session must end after it starts"))
            else:
                cleaned["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, starts))
                cleaned["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, ends))
        return cleaned

    def session_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "starts_at", "ends_at", "place", "hub")
        }


class FeatureForm(forms.Form):
    name = forms.CharField(
        label=_("Characteristic"),
        max_length=100,
        help_text=_("For example, Housing"),
        error_messages={"required": _("Enter the characteristic")},
    )
    question = forms.CharField(
        label=_("Question asked when registering"),
        max_length=200,
        help_text=_("For example, Do you own your home, rent it, or something else?"),
        error_messages={"required": _("Enter the question")},
    )
    answers = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "One answer on each line. Add “Prefer not to say” as an answer if people may "
            "choose not to answer."
        ),
        error_messages={"required": _("Enter at least two answers, one on each line")},
    )

    def clean_answers(self) -> list[str]:
        answers: list[str] = []
        for line in self.cleaned_data["answers"].splitlines():
            label = line.strip()
            if label and label.casefold() not in {a.casefold() for a in answers}:
                answers.append(label[:150])
        if len(answers) < 2:
            raise forms.ValidationError(_("Enter at least two different answers, one on each line"))
        return answers


class CategoryForm(forms.Form):
    label = forms.CharField(
        label=_("New answer"),
        max_length=150,
        error_messages={"required": _("Enter the answer to add")},
    )


class QuotaForm(forms.Form):
    """One row per category: fewest seats, most seats and Luton's population share."""

    def __init__(
        self,
        *args: Any,
        categories: Sequence[FeatureCategory],
        size: int,
        suggestions: dict[int, tuple[int, int]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.size = size
        suggestions = suggestions or {}
        for category in self.categories:
            name = f"{category.feature.name}: {category.label}"
            low, high = suggestions.get(category.pk, (category.min_seats, category.max_seats))
            self.fields[f"min-{category.pk}"] = forms.IntegerField(
                label=_("Fewest seats for %(name)s") % {"name": name},
                min_value=0,
                max_value=size,
                initial=low,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
                ),
                error_messages=self._numbers(name, _("Fewest seats"), size),
            )
            self.fields[f"max-{category.pk}"] = forms.IntegerField(
                label=_("Most seats for %(name)s") % {"name": name},
                min_value=0,
                max_value=size,
                initial=high,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
                ),
                error_messages=self._numbers(name, _("Most seats"), size),
            )
            self.fields[f"share-{category.pk}"] = forms.DecimalField(
                label=_("Share of Luton's population for %(name)s (%%)") % {"name": name},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=5,
                decimal_places=2,
                initial=category.population_share,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}
                ),
                error_messages={
                    "invalid": _("%(name)s: the population share must be a number, like 12.5")
                    % {"name": name},
                    "min_value": _("%(name)s: the population share must be 0 or more")
                    % {"name": name},
                    "max_value": _("%(name)s: the population share must be 100 or less")
                    % {"name": name},
                    "max_decimal_places": _(
                        "%(name)s: the population share can have at most 2 decimal places"
                    )
                    % {"name": name},
                    "max_digits": _("%(name)s: the population share must be 100 or less")
                    % {"name": name},
                },
            )

    @staticmethod
    def _numbers(name: str, what: Any, size: int) -> dict[str, Any]:
        return {
            "required": _("%(name)s: enter the %(what)s (0 or more)")
            % {"name": name, "what": str(what).lower()},
            "invalid": _("%(name)s: %(what)s must be a whole number")
            % {"name": name, "what": str(what).lower()},
            "min_value": _("%(name)s: %(what)s must be 0 or more")
            % {"name": name, "what": str(what).lower()},
            "max_value": _("%(name)s: %(what)s cannot be more than the %(size)s members")
            % {"name": name, "what": str(what).lower(), "size": size},
        }

    def rows(
        self,
    ) -> list[tuple[FeatureCategory, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (
                category,
                self[f"min-{category.pk}"],
                self[f"max-{category.pk}"],
                self[f"share-{category.pk}"],
            )
            for category in self.categories
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for category in self.categories:
            low, high = cleaned.get(f"min-{category.pk}"), cleaned.get(f"max-{category.pk}")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"max-{category.pk}",
                    _("%(name)s: the most seats must be at least the fewest")
                    % {"name": f"{category.feature.name}: {category.label}"},
                )
        return cleaned

    def quotas(self) -> list[Any]:
        from ..services.assemblies import QuotaInput

        return [
            QuotaInput(
                category_id=category.pk,
                min_seats=self.cleaned_data[f"min-{category.pk}"],
                max_seats=self.cleaned_data[f"max-{category.pk}"],
                population_share=self.cleaned_data[f"share-{category.pk}"],
            )
            for category in self.categories
        ]


class VolunteerFilter(django_filters.FilterSet):
    """Narrows the staff volunteer list by status and by an answer they gave."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Volunteer.Status.choices, empty_label=_("Any status")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Answer"),
        field_name="categories",
        queryset=FeatureCategory.objects.none(),
        empty_label=_("Any answer"),
    )

    class Meta:
        model = Volunteer
        fields = ["status", "category"]

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.filters["category"]
        field.queryset = (  # type: ignore[attr-defined]
            FeatureCategory.objects.filter(feature__assembly=assembly)
            .select_related("feature")
            .order_by("feature__position", "feature__pk", "position", "pk")
        )
        self.form.fields["category"].label_from_instance = (  # type: ignore[attr-defined]
            lambda category: f"{category.feature.name}: {category.label}"
        )


class RunForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        required=False,
        min_value=1,
        max_value=MAX_SEED,
        help_text=_(
            "Leave this empty: the portal picks a seed nobody can predict. To replay an earlier "
            "draw, enter its seed."
        ),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("The seed must be a whole number, like 184467"),
            "min_value": _("The seed must be 1 or more"),
            "max_value": _("The seed must be %(limit_value)s or less"),
        },
    )


# --- Residents: registering interest -----------------------------------------------------------


class RegistrationForm(forms.Form):
    """Name, contact details, postcode and one answer per feature. No account needed."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will tell you the result of the draw by email."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=30,
        help_text=_("In case we need to reach you about the sessions."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        help_text=_("Citizens' assemblies are for people who live in Luton."),
        error_messages={"required": _("Enter your postcode")},
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
        ),
    )

    # Left empty by people; bots that fill every box fill it (as on the follow form).
    website = forms.CharField(required=False, max_length=200)

    def __init__(
        self, *args: Any, features: Sequence[StratificationFeature], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.features = list(features)
        for feature in self.features:
            self.fields[f"answer-{feature.key}"] = forms.ChoiceField(
                label=feature.question,
                choices=[(str(c.pk), c.label) for c in feature.categories.all()],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Select an answer about %(name)s")
                    % {"name": feature.name.lower()},
                    "invalid_choice": _("Select one of the answers about %(name)s")
                    % {"name": feature.name.lower()},
                },
            )

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and (len(digits) < 10 or any(c not in "0123456789 +()-" for c in phone)):
            raise forms.ValidationError(
                _("Enter a phone number, like 01582 546000 or 07700 900 982")
            )
        return phone

    def clean_postcode(self) -> str:
        text = self.cleaned_data.get("postcode", "")
        try:
            place = lookup_postcode(text)
        except InvalidPostcode as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from None
        if place is None or not place.in_luton:
            raise forms.ValidationError(
                _(
                    "Enter a Luton postcode, like LU1 2BQ. Only people who live in Luton can "
                    "take part."
                ),
                code="not_luton",
            )
        return place.postcode

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[f"answer-{feature.key}"] for feature in self.features]

    def chosen_categories(self) -> list[FeatureCategory]:
        chosen: list[FeatureCategory] = []
        for feature in self.features:
            pk = int(self.cleaned_data[f"answer-{feature.key}"])
            chosen.extend(c for c in feature.categories.all() if c.pk == pk)
        return chosen


# --- Council staff: recommendations and the response ---------------------------------------------


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "title", "text", "support"]
        labels = {
            "number": _("Number"),
            "title": _("Title"),
            "text": _("Recommendation"),
            "support": _("Members in support (%) (optional)"),
        }
        error_messages = {
            "number": {
                "required": _("Enter the recommendation's number"),
                "invalid": _("The number must be a whole number, like 3"),
            },
            "title": {"required": _("Enter a title")},
            "text": {"required": _("Enter the recommendation")},
            "support": {"invalid": _("Support must be a whole number from 0 to 100")},
        }
        widgets = {
            "number": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "support": forms.TextInput(
                attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}
            ),
            "text": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, assembly: Assembly, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assembly = assembly

    def clean_support(self) -> int | None:
        support: int | None = self.cleaned_data.get("support")
        if support is not None and support > 100:
            raise forms.ValidationError(_("Support must be a whole number from 0 to 100"))
        return support

    def clean_number(self) -> int:
        number: int = self.cleaned_data["number"]
        taken = Recommendation.objects.filter(assembly=self.assembly, number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if number < 1:
            raise forms.ValidationError(_("The number must be 1 or more"))
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a recommendation %(number)s") % {"number": number}
            )
        return number

    def recommendation_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=_("The council's response"),
        choices=[(value, label) for value, label in Decision.choices if value != Decision.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the council's response")},
    )
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Published beside the response. Say why, in plain English."),
        error_messages={"required": _("Enter the reasons for the response")},
    )
    actions = forms.ModelMultipleChoiceField(
        label=_("Taskforce actions that carry it out"),
        queryset=parent_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for a recommendation accepted, or accepted in part."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = parent_choices()  # type: ignore[attr-defined]
        self.fields["actions"].label_from_instance = (  # type: ignore[attr-defined]
            lambda action: f"{action.reference}: {action.title}"
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("actions") and cleaned.get("response") not in ACCEPTING:
            self.add_error(
                "actions",
                _("Link actions only to a recommendation accepted, or accepted in part"),
            )
        return cleaned


class RecommendationActionForm(forms.Form):
    title = forms.CharField(
        label=_("Action title"),
        max_length=200,
        error_messages={"required": _("Enter a title for the action")},
    )
    summary = forms.CharField(
        label=_("Summary in plain English"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter a summary of the action"),
            "max_length": _("The summary must be 300 characters or fewer"),
        },
    )
    outcomes = forms.ModelMultipleChoiceField(
        label=_("Which outcomes does it work towards?"),
        queryset=outcome_list(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Select at least one outcome")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcomes"].queryset = outcome_list()  # type: ignore[attr-defined]
