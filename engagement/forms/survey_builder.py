"""Forms council staff use to build a consultation's survey: sections (pages) and questions."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Question, QuestionOption, Section
from .answers import DEFAULT_LONG_TEXT_LENGTH, DEFAULT_SHORT_TEXT_LENGTH

Kind = Question.Kind

# Shown under each type of question, so staff choose by what residents will be asked to do.
KIND_DESCRIPTIONS: dict[str, Any] = {
    Kind.SHORT_TEXT: _("A few words or a sentence, typed into a one-line box."),
    Kind.LONG_TEXT: _("A longer answer typed into a large box, for comments and reasons."),
    Kind.SINGLE_CHOICE: _("People choose one of the options you list."),
    Kind.MULTIPLE_CHOICE: _(
        "People tick every option that applies to them, or up to a number you set."
    ),
    Kind.SCALE: _(
        "People choose one point on a scale, for example from strongly agree to strongly disagree."
    ),
    Kind.RANKING: _("People put the options you list in order, most important first."),
    Kind.NUMBER: _("A number, for example how many people live in the household."),
    Kind.DATE: _("A date, typed as day, month and year."),
    Kind.WARD: _("Which Luton ward people live in, chosen from the list of wards."),
    Kind.POSTCODE: _("A UK postcode. People are asked again if it is not a real one."),
}

# The ready-made agree/disagree scale, from one end to the other: a scale question whose
# options are left empty gets these.
AGREE_DISAGREE_SCALE = (
    _("Strongly agree"),
    _("Agree"),
    _("Neither agree nor disagree"),
    _("Disagree"),
    _("Strongly disagree"),
)
MAX_OPTIONS = 50
OPTION_MAX_LENGTH = QuestionOption._meta.get_field("label").max_length or 200


class SectionForm(forms.Form):
    title = forms.CharField(
        label=_("Section title"),
        max_length=200,
        help_text=_("Shown as the heading of this page of the survey, for example: About you"),
        error_messages={
            "required": _("Enter a title for the section"),
            "max_length": _("The section title must be 200 characters or fewer"),
        },
    )
    intro = forms.CharField(
        label=_("Introduction (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown under the title. Leave a blank line between paragraphs."),
    )


class QuestionForm(forms.Form):
    """One question. Its type is fixed (``fixed_kind``) once people have responded;
    ``existing_options`` is how many options it has now, which then cannot go down."""

    text = forms.CharField(
        label=_("Question"),
        max_length=300,
        help_text=_("Ask one thing, in plain English, for example: How often do you take the bus?"),
        error_messages={
            "required": _("Enter the question"),
            "max_length": _("The question must be 300 characters or fewer"),
        },
    )
    help_text = forms.CharField(
        label=_("Help text (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown under the question, to help people answer it"),
        error_messages={"max_length": _("The help text must be 500 characters or fewer")},
    )
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the type of question")},
    )
    required = forms.BooleanField(
        label=_("An answer is required"),
        required=False,
        help_text=_("People cannot go on to the next page without answering it"),
    )
    options = forms.CharField(
        label=_("Options, one on each line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "In the order people will see them. For a scale, list "
            "them from one end to the other. Leave a scale's options empty to use the "
            "agree/disagree scale: Strongly agree, Agree, Neither agree nor disagree, "
            "Disagree, Strongly disagree."
        ),
    )
    allow_other = forms.BooleanField(
        label=_("Offer \u201cOther\u201d with a box to say what"),
        required=False,
        help_text=_("Single and multiple choice questions only"),
    )
    max_choices = forms.IntegerField(
        label=_("Most options a person may tick (optional)"),
        required=False,
        min_value=1,
        help_text=_("Multiple choice questions only. Leave empty to allow any number."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("The most options a person may tick must be a whole number, like 3"),
            "min_value": _("The most options a person may tick must be 1 or more"),
        },
    )
    max_length = forms.IntegerField(
        label=_("Most characters (optional)"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=format_lazy(
            _(
                "Leave empty for the usual limit: {short} characters for short text, {long} "
                "for long text."
            ),
            short=DEFAULT_SHORT_TEXT_LENGTH,
            long=f"{DEFAULT_LONG_TEXT_LENGTH:,}",
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("The most characters must be a whole number, like 500"),
            "min_value": _("The most characters must be 1 or more"),
            "max_value": _("The most characters must be 100,000 or fewer"),
        },
    )
    min_value = forms.DecimalField(
        label=_("Smallest number allowed (optional)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("The smallest number allowed must be a number, like 0"),
            "max_digits": _("The smallest number allowed must have 10 digits or fewer"),
            "max_decimal_places": _(
                "The smallest number allowed must have 2 decimal places or fewer"
            ),
            "max_whole_digits": _("The smallest number allowed must have 10 digits or fewer"),
        },
    )
    max_value = forms.DecimalField(
        label=_("Largest number allowed (optional)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("The largest number allowed must be a number, like 10"),
            "max_digits": _("The largest number allowed must have 10 digits or fewer"),
            "max_decimal_places": _(
                "The largest number allowed must have 2 decimal places or fewer"
            ),
            "max_whole_digits": _("The largest number allowed must have 10 digits or fewer"),
        },
    )
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.none(),
        empty_label=None,
        help_text=_("Moving it to another section puts it at the end of that section"),
        error_messages={"invalid_choice": _("Select one of this survey's sections")},
    )

    def __init__(
        self,
        *args: Any,
        fixed_kind: str | None = None,
        existing_options: int = 0,
        sections: Iterable[Section] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_kind = fixed_kind
        self.existing_options = existing_options
        if fixed_kind is not None:
            del self.fields["kind"]
        section_list = list(sections or [])
        if len(section_list) > 1:
            self.fields["section"].queryset = Section.objects.filter(  # type: ignore[attr-defined]
                pk__in=[section.pk for section in section_list]
            ).order_by("position", "pk")
        else:
            del self.fields["section"]  # nowhere else to move it

    @property
    def setting_groups(self) -> set[str]:
        """Which groups of settings to offer: all of them while the type can change (the
        service keeps only those the chosen type uses), else only the type's own."""
        kind = self.fixed_kind
        if kind is None:
            return {"options", "text", "number"}
        return {
            name
            for name, kinds in (
                ("options", Question.WITH_OPTIONS),
                ("text", Question.FREE_TEXT),
                ("number", {Kind.NUMBER}),
            )
            if kind in kinds
        }

    def kind_choices(self) -> list[dict[str, Any]]:
        """The type radios with a plain description of each, for the template."""
        field = self["kind"]
        return [
            {"option": option, "description": KIND_DESCRIPTIONS[option.data["value"]]}
            for option in field
        ]

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        labels = [line for line in lines if line]
        for number, label in enumerate(labels, start=1):
            if len(label) > OPTION_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Option %(number)s must be %(limit)s characters or fewer"),
                    params={"number": number, "limit": OPTION_MAX_LENGTH},
                )
        seen: set[str] = set()
        for label in labels:
            key = " ".join(label.split()).casefold()
            if key in seen:
                raise forms.ValidationError(
                    _("\u201c%(label)s\u201d is listed more than once: each option must differ"),
                    params={"label": label},
                )
            seen.add(key)
        if len(labels) > MAX_OPTIONS:
            raise forms.ValidationError(
                _("A question can have at most %(limit)s options"), params={"limit": MAX_OPTIONS}
            )
        return labels

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = self.fixed_kind or cleaned.get("kind")
        options: list[str] | None = cleaned.get("options")
        if kind in Question.WITH_OPTIONS and options is not None:
            if not options and kind == Kind.SCALE and not self.existing_options:
                options = [str(label) for label in AGREE_DISAGREE_SCALE]
                cleaned["options"] = options
            if len(options) < 2:
                self.add_error(
                    "options", _("Enter at least 2 options for people to choose from, one a line")
                )
            elif len(options) < self.existing_options:
                self.add_error(
                    "options",
                    ngettext(
                        "People have already responded, so no option can be removed: list all "
                        "%(count)s option. You can correct its wording or add more.",
                        "People have already responded, so no option can be removed: list all "
                        "%(count)s options. You can correct their wording or add more.",
                        self.existing_options,
                    )
                    % {"count": self.existing_options},
                )
        max_choices: int | None = cleaned.get("max_choices")
        if kind == Kind.MULTIPLE_CHOICE and max_choices is not None and options is not None:
            available = len(options) + int(bool(cleaned.get("allow_other")))
            if len(options) >= 2 and max_choices > available:
                self.add_error(
                    "max_choices",
                    ngettext(
                        "The most options a person may tick must be %(count)s or fewer, as "
                        "there is %(count)s option",
                        "The most options a person may tick must be %(count)s or fewer, as "
                        "there are %(count)s options",
                        available,
                    )
                    % {"count": available},
                )
        low: Decimal | None = cleaned.get("min_value")
        high: Decimal | None = cleaned.get("max_value")
        if kind == Kind.NUMBER and low is not None and high is not None and low > high:
            self.add_error(
                "max_value",
                _("The largest number allowed must be the same as or more than the smallest"),
            )
        return cleaned
