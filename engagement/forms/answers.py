"""Answering one page (section) of a consultation's survey: one Django form field per question.

Used by residents responding online (engagement/views/respond.py) and by hub staff entering a
paper or phone response (the hub desk). ``answers()`` gives {question id: value}, the shape
``services.responses.response_submit`` and ``response_save_progress`` take, and ``initial``
takes the same shape back (``selectors.responses.answer_values``), so a page shows what was
saved before.

Values by kind of question (None: not answered):

- short-text, long-text, postcode: ``str`` (a postcode in capitals with one space)
- single-choice, scale, multiple-choice, ranking: ``ChoiceAnswer`` (option ids; a ranking's in
  rank order, first choice first; "Other" as ``other_text``)
- number: ``Decimal``; date: ``datetime.date``; ward: a ``Ward``

Every input is rendered by templates/engagement/respond/includes/question.html as GOV.UK markup
(radios, checkboxes, the date input's three boxes, the character count), so it works with
JavaScript off; ``items()`` gives the template what it needs for each question.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from luton2040.places.models import Ward
from luton2040.places.postcodes import InvalidPostcode, normalise_postcode

from ..models import Question, Section
from .answer_fields import (
    Choice,
    ChoiceAnswer,
    GovukDateField,
    NumberField,
    Part,
    QuestionItem,
    RankingField,
    format_number,
)

# The value of the "Other" choice (option ids are numbers, so it cannot clash with one).
OTHER = "other"
# Most characters when staff set no limit: a page of writing for long text, a line for short.
DEFAULT_SHORT_TEXT_LENGTH = 500
DEFAULT_LONG_TEXT_LENGTH = 5000
OTHER_TEXT_LENGTH = 500  # Answer.other_text
# Error messages name the question, shortened: the error summary lists several at once.
QUESTION_IN_MESSAGE_CHARS = 80


def _q(question: Question) -> str:
    return Truncator(question.text).chars(QUESTION_IN_MESSAGE_CHARS)


def field_name(question: Question | int) -> str:
    """The form field's name for a question: "q<id>"."""
    pk = question if isinstance(question, int) else question.pk
    return f"q{pk}"


# --- the form ------------------------------------------------------------------------------------


class SectionAnswersForm(forms.Form):
    """The answers to one section's questions.

    ``questions``: the section's questions in order, with ``options`` prefetched (a selector's
    job; when None they are loaded here). ``initial``: {question id: value} as ``answers()``
    gives. ``require_answers=False`` lets required questions be left blank while still checking
    what was typed ("Save and come back later", a paper form with a gap). ``wards``: the
    ward list for ward questions, when several forms on one page share it.
    """

    def __init__(
        self,
        *,
        section: Section,
        questions: Iterable[Question] | None = None,
        data: Mapping[str, Any] | None = None,
        initial: Mapping[int, Any] | None = None,
        require_answers: bool = True,
        prefix: str | None = None,
        wards: list[Ward] | None = None,
    ) -> None:
        if questions is None:
            questions = section.questions.prefetch_related("options").order_by("position", "pk")
        questions = list(questions)
        if data is not None:
            data = _other_alone_means_other(data, questions, prefix=prefix)
        super().__init__(data=data, prefix=prefix)
        self.section = section
        self.questions: list[Question] = questions
        self.require_answers = require_answers
        if wards is not None:  # several forms on one page share one list of wards
            self._ward_list = wards
        initial = initial or {}
        for question in self.questions:
            self._add_fields(question, initial.get(question.pk))

    # Building the fields ------------------------------------------------------------------------

    def _add_fields(self, question: Question, value: Any) -> None:
        name = field_name(question)
        required = question.required and self.require_answers
        kind = question.kind
        common: dict[str, Any] = {"label": question.text, "required": required}
        if question.help_text:
            common["help_text"] = question.help_text
        options = list(question.options.all()) if kind in Question.WITH_OPTIONS else []
        option_choices = [(str(option.pk), option.label) for option in options]
        offers_other = question.allow_other and kind in (
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.MULTIPLE_CHOICE,
        )
        if offers_other:
            option_choices.append((OTHER, str(_("Other"))))
        initial: Any = None
        other_initial = ""

        if kind in Question.FREE_TEXT:
            limit = self.max_length_for(question)
            self.fields[name] = forms.CharField(
                max_length=limit,
                widget=forms.Textarea if kind == Question.Kind.LONG_TEXT else forms.TextInput,
                error_messages={
                    "required": _("Enter your answer to “%(question)s”")
                    % {"question": _q(question)},
                    "max_length": _("Your answer must be %(limit)d characters or fewer")
                    % {"limit": limit},
                },
                **common,
            )
            initial = value or ""
        elif kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.SCALE):
            self.fields[name] = forms.ChoiceField(
                choices=option_choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Select an answer to “%(question)s”")
                    % {"question": _q(question)},
                    "invalid_choice": _("Select one of the options"),
                },
                **common,
            )
            if isinstance(value, ChoiceAnswer):
                if value.option_ids:
                    initial = str(value.option_ids[0])
                elif value.other_text:
                    initial = OTHER
                other_initial = value.other_text
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            self.fields[name] = forms.MultipleChoiceField(
                choices=option_choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Select at least one option for “%(question)s”")
                    % {"question": _q(question)},
                    "invalid_choice": _("Select options from the list"),
                },
                **common,
            )
            if isinstance(value, ChoiceAnswer):
                initial = [str(pk) for pk in value.option_ids]
                if value.other_text:
                    initial.append(OTHER)
                other_initial = value.other_text
        elif kind == Question.Kind.RANKING:
            self.fields[name] = RankingField(
                option_ids=[option.pk for option in options],
                error_messages={
                    "required": _("Rank the options for “%(question)s”")
                    % {"question": _q(question)}
                },
                **common,
            )
            initial = value if isinstance(value, ChoiceAnswer) else None
        elif kind == Question.Kind.NUMBER:
            range_message = self.number_range_message(question)
            invalid = range_message or _("Enter a number, like 12")
            self.fields[name] = NumberField(
                min_value=question.min_value,
                max_value=question.max_value,
                max_digits=12,
                decimal_places=2,
                error_messages={
                    "required": _("Enter a number for “%(question)s”") % {"question": _q(question)},
                    "invalid": invalid,
                    "min_value": invalid,
                    "max_value": invalid,
                    "max_decimal_places": _("Enter a number with no more than 2 decimal places"),
                    "max_digits": invalid,
                    "max_whole_digits": invalid,
                },
                **common,
            )
            initial = format_number(value) if value is not None else ""
        elif kind == Question.Kind.DATE:
            self.fields[name] = GovukDateField(
                error_messages={
                    "required": _("Enter a date for “%(question)s”") % {"question": _q(question)}
                },
                **common,
            )
            initial = value if isinstance(value, datetime.date) else None
        elif kind == Question.Kind.WARD:
            self.fields[name] = forms.ModelChoiceField(
                queryset=Ward.objects.order_by("name"),
                empty_label=str(_("Choose a ward")),
                error_messages={
                    "required": _("Select a ward for “%(question)s”") % {"question": _q(question)},
                    "invalid_choice": _("Select a ward from the list"),
                },
                **common,
            )
            initial = value.pk if isinstance(value, Ward) else value
        elif kind == Question.Kind.POSTCODE:
            self.fields[name] = forms.CharField(
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
                error_messages={
                    "required": _("Enter a postcode for “%(question)s”")
                    % {"question": _q(question)},
                    "max_length": _("Enter a real postcode, like LU1 2BQ"),
                },
                **common,
            )
            initial = value or ""
        else:  # a kind added to the model and not here yet: fail loudly in development
            raise ValueError(f"no form field for question kind {kind!r}")

        self.fields[name].initial = initial
        if offers_other:
            self.fields[f"{name}_other"] = forms.CharField(
                label=_("Your other answer"),
                required=False,
                max_length=OTHER_TEXT_LENGTH,
                error_messages={
                    "max_length": _("The other answer must be %(limit)d characters or fewer")
                    % {"limit": OTHER_TEXT_LENGTH}
                },
            )
            self.fields[f"{name}_other"].initial = other_initial

    @staticmethod
    def max_length_for(question: Question) -> int:
        if question.max_length:
            return question.max_length
        if question.kind == Question.Kind.LONG_TEXT:
            return DEFAULT_LONG_TEXT_LENGTH
        return DEFAULT_SHORT_TEXT_LENGTH

    @staticmethod
    def number_range_message(question: Question) -> str:
        low, high = question.min_value, question.max_value
        if low is not None and high is not None:
            return str(
                _("Enter a number between %(min)s and %(max)s")
                % {"min": format_number(low), "max": format_number(high)}
            )
        if low is not None:
            return str(_("Enter a number that is %(min)s or more") % {"min": format_number(low)})
        if high is not None:
            return str(_("Enter a number that is %(max)s or less") % {"max": format_number(high)})
        return ""

    # Cleaning -----------------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.questions:
            name = field_name(question)
            if name in self.errors:
                continue
            if question.kind == Question.Kind.POSTCODE:
                self._clean_postcode(name, cleaned)
            elif question.kind == Question.Kind.MULTIPLE_CHOICE:
                limit = question.max_choices
                if limit and len(cleaned.get(name) or []) > limit:
                    self.add_error(
                        name,
                        ngettext(
                            "Select no more than %(limit)d option",
                            "Select no more than %(limit)d options",
                            limit,
                        )
                        % {"limit": limit},
                    )
                    continue
            if f"{name}_other" in self.fields:
                self._clean_other(name, cleaned)
        return cleaned

    def _clean_postcode(self, name: str, cleaned: dict[str, Any]) -> None:
        text = (cleaned.get(name) or "").strip()
        if not text:
            cleaned[name] = ""
            return
        try:
            cleaned[name] = normalise_postcode(text)
        except InvalidPostcode as error:
            self.add_error(name, error.messages[0])

    def _clean_other(self, name: str, cleaned: dict[str, Any]) -> None:
        other_name = f"{name}_other"
        if other_name in self.errors:
            return
        text = (cleaned.get(other_name) or "").strip()
        chosen = cleaned.get(name)
        other_chosen = OTHER in chosen if isinstance(chosen, list) else chosen == OTHER
        if other_chosen and not text:
            self.add_error(other_name, _("Enter the other answer"))
        # Text typed in the box of an option not chosen is not part of the answer.
        cleaned[other_name] = text if other_chosen else ""

    # Results ------------------------------------------------------------------------------------

    def answers(self) -> dict[int, Any]:
        """{question id: value} for every question of the section, None for those left blank.
        Call after is_valid()."""
        cleaned = self.cleaned_data
        result: dict[int, Any] = {}
        for question in self.questions:
            name = field_name(question)
            value = cleaned.get(name)
            other = cleaned.get(f"{name}_other", "")
            kind = question.kind
            if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.SCALE):
                if not value:
                    result[question.pk] = None
                elif value == OTHER:
                    result[question.pk] = ChoiceAnswer(other_text=other)
                else:
                    result[question.pk] = ChoiceAnswer(option_ids=(int(value),))
            elif kind == Question.Kind.MULTIPLE_CHOICE:
                values = list(value or [])
                ids = tuple(int(v) for v in values if v != OTHER)
                text = other if OTHER in values else ""
                result[question.pk] = ChoiceAnswer(ids, text) if ids or text else None
            elif kind in Question.FREE_TEXT or kind == Question.Kind.POSTCODE:
                text = (value or "").strip()
                result[question.pk] = text or None
            else:  # number, date, ward, ranking: None or the value
                result[question.pk] = value
        return result

    # Rendering ----------------------------------------------------------------------------------

    def items(self) -> list[QuestionItem]:
        """Each question with what its GOV.UK markup needs (see question.html)."""
        return [self._item(question) for question in self.questions]

    def _item(self, question: Question) -> QuestionItem:
        name = field_name(question)
        bound = self[name]
        item = QuestionItem(
            question=question, field=bound, kind=question.kind, hint=self._hint(question)
        )
        auto_id = bound.auto_id or name
        kind = question.kind
        if kind in Question.FREE_TEXT:
            item.max_length = self.max_length_for(question)
            item.value = _text(bound.value())
        elif kind in (
            Question.Kind.SINGLE_CHOICE,
            Question.Kind.SCALE,
            Question.Kind.MULTIPLE_CHOICE,
        ):
            raw = bound.value()
            if isinstance(raw, list | tuple):
                selected = {str(v) for v in raw}
            else:
                selected = {str(raw)} if raw not in (None, "") else set()
            item.choices = [
                Choice(
                    value=str(value),
                    label=str(label),
                    id=f"{auto_id}_{i}",
                    checked=str(value) in selected,
                )
                for i, (value, label) in enumerate(bound.field.choices)  # type: ignore[attr-defined]
            ]
            other_name = f"{name}_other"
            if other_name in self.fields:
                item.other = self[other_name]
                item.other_checked = OTHER in selected
        elif kind == Question.Kind.RANKING:
            field_ = cast(RankingField, bound.field)
            values = self._multi_value(bound)
            labels = {option.pk: option.label for option in question.options.all()}
            item.rank_choices = [("", str(_("Choose a rank")))] + [
                (str(n), str(n)) for n in range(1, len(field_.option_ids) + 1)
            ]
            item.parts = [
                Part(
                    name=f"{bound.html_name}_{pk}",
                    id=auto_id if i == 0 else f"{auto_id}_{pk}",
                    label=labels.get(pk, ""),
                    value=_text(values[i] if i < len(values) else ""),
                    error=bool(bound.errors),
                )
                for i, pk in enumerate(field_.option_ids)
            ]
        elif kind == Question.Kind.DATE:
            date_field = cast(GovukDateField, bound.field)
            values = self._multi_value(bound)
            error_parts = set(date_field.error_parts) if bound.errors else set()
            if bound.errors and not error_parts:
                error_parts = set(GovukDateField.PARTS)
            part_labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
            item.parts = [
                Part(
                    name=f"{bound.html_name}_{part}",
                    id=auto_id if part == "day" else f"{auto_id}_{part}",
                    label=str(part_labels[part]),
                    value=_text(values[i] if i < len(values) else ""),
                    error=part in error_parts,
                    width="govuk-input--width-4" if part == "year" else "govuk-input--width-2",
                )
                for i, part in enumerate(GovukDateField.PARTS)
            ]
        elif kind == Question.Kind.WARD:
            raw = bound.value()
            item.value = "" if raw in (None, "") else str(raw)
            item.choices = [
                Choice(value="", label=str(_("Choose a ward")), id="", checked=not item.value)
            ] + [
                Choice(
                    value=str(ward.pk), label=ward.name, id="", checked=str(ward.pk) == item.value
                )
                for ward in self._wards()
            ]
        else:  # number, postcode
            item.value = _text(bound.value())
        return item

    def _hint(self, question: Question) -> str:
        """The help text staff wrote, then how to answer this kind of question."""
        how = ""
        kind = question.kind
        if kind == Question.Kind.NUMBER:
            how = self.number_range_message(question)
        elif kind == Question.Kind.POSTCODE:
            how = str(_("For example, LU1 2BQ"))
        elif kind == Question.Kind.DATE:
            how = str(_("For example, 27 3 2024"))
        elif kind == Question.Kind.RANKING:
            how = str(
                _("Give each option a different number from 1 to %(count)d.")
                % {"count": len(question.options.all())}
                + " "
                + _("1 is your first choice.")
            )
        elif kind == Question.Kind.MULTIPLE_CHOICE:
            how = (
                ngettext("Select up to %(limit)d option.", "Select up to %(limit)d options.", limit)
                % {"limit": limit}
                if (limit := question.max_choices)
                else str(_("Select all that apply."))
            )
        return " ".join(part for part in (question.help_text.strip(), how) if part)

    def _multi_value(self, bound: forms.BoundField) -> list[Any]:
        """The boxes' values: as typed when the form was sent, else from the initial value."""
        widget = cast(forms.MultiWidget, bound.field.widget)
        if self.is_bound:
            return list(widget.value_from_datadict(self.data, self.files, bound.html_name))
        return list(widget.decompress(bound.initial) or [])

    def _wards(self) -> list[Ward]:
        # One query for the page, however many ward questions it has.
        if not hasattr(self, "_ward_list"):
            self._ward_list = list(Ward.objects.order_by("name"))
        return self._ward_list


def _other_alone_means_other(
    data: Mapping[str, Any], questions: list[Question], *, prefix: str | None
) -> Mapping[str, Any]:
    """With JavaScript off the "Other" box shows under its option, so someone may type in it
    without choosing "Other". For a single choice with nothing chosen, that text means "Other"."""
    changes = {}
    for question in questions:
        if not question.allow_other or question.kind != Question.Kind.SINGLE_CHOICE:
            continue
        name = field_name(question) if not prefix else f"{prefix}-{field_name(question)}"
        if not str(data.get(name) or "").strip() and str(data.get(f"{name}_other") or "").strip():
            changes[name] = OTHER
    if not changes:
        return data
    copied = data.copy() if hasattr(data, "copy") else dict(data)
    for key, value in changes.items():
        copied[key] = value
    return copied


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        try:
            return format_number(value)
        except InvalidOperation:
            return str(value)
    return str(value)
