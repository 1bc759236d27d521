"""The form fields, widgets and value types behind SectionAnswersForm (engagement/forms/answers.py):
the GOV.UK date input, the ranking's rank-per-option selects, numbers as people type them, and
what the question template needs for each question."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Question


@dataclass(frozen=True)
class ChoiceAnswer:
    """An answer made of options: one (single choice, scale), several (multiple choice) or all
    of them in order (ranking, first choice first), and the text of "Other" when chosen."""

    option_ids: tuple[int, ...] = ()
    other_text: str = ""


def format_number(value: Decimal | int | float | str) -> str:
    """10.00 -> "10", 2.50 -> "2.5": how people write numbers."""
    number = Decimal(str(value))
    text = f"{number.normalize():f}"
    return text


# --- fields ------------------------------------------------------------------------------------


class NumberField(forms.DecimalField):
    """A number typed as people write it: "1,250" and " 12 " are 1250 and 12."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:  # Decimal | None
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").strip()
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step attributes: with type="text" they mean nothing, and the server's
        # message is the one people should see.
        return {"inputmode": "decimal"}


class DateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes named <name>_day, _month, _year."""

    def __init__(self) -> None:
        super().__init__(
            widgets={"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with the GOV.UK date input's messages. ``error_parts`` names the
    boxes in error after a failed clean, so only those are highlighted."""

    widget = DateWidget
    PARTS = ("day", "month", "year")
    # The GOV.UK date input's messages for a date with parts left out.
    MISSING = {
        ("day",): _("Date must include a day"),
        ("month",): _("Date must include a month"),
        ("year",): _("Date must include a year"),
        ("day", "month"): _("Date must include a day and a month"),
        ("day", "year"): _("Date must include a day and a year"),
        ("month", "year"): _("Date must include a month and a year"),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            fields=(forms.CharField(), forms.CharField(), forms.CharField()),
            require_all_fields=False,
            **kwargs,
        )
        self.error_parts: tuple[str, ...] = ()

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(v or "").strip() for v in (value or [])] + ["", "", ""]
        day, month, year = parts[:3]
        self.error_parts = ()
        if not (day or month or year):
            if self.required:
                self.error_parts = self.PARTS
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        missing = tuple(
            name for name, v in zip(self.PARTS, (day, month, year), strict=True) if not v
        )
        if missing:
            self.error_parts = missing
            raise ValidationError(self.MISSING[missing], code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            self.error_parts = tuple(
                name
                for name, v in zip(self.PARTS, (day, month, year), strict=True)
                if not v.isdigit()
            )
            raise ValidationError(_("Date must be a real date"), code="invalid")
        if len(year) != 4:
            self.error_parts = ("year",)
            raise ValidationError(_("Year must include 4 numbers"), code="year")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            self.error_parts = self.PARTS
            raise ValidationError(_("Date must be a real date"), code="invalid") from None

    def compress(self, data_list: list[Any]) -> Any:  # clean() above does the work
        raise NotImplementedError


class RankingWidget(forms.MultiWidget):
    """One "rank" select per option, named <name>_<option id>. Works with JavaScript off."""

    def __init__(self, option_ids: list[int], ranks: int) -> None:
        choices = [("", _("Choose a rank"))] + [(str(n), str(n)) for n in range(1, ranks + 1)]
        super().__init__(widgets={str(pk): forms.Select(choices=choices) for pk in option_ids})
        self.option_ids = option_ids

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, ChoiceAnswer):
            ranks = {pk: str(n) for n, pk in enumerate(value.option_ids, start=1)}
            return [ranks.get(pk, "") for pk in self.option_ids]
        return ["" for _pk in self.option_ids]


class RankingField(forms.MultiValueField):
    """Every option given a different rank from 1 to N (a permutation); all blank when the
    question is optional."""

    def __init__(self, *, option_ids: list[int], **kwargs: Any) -> None:
        self.option_ids = option_ids
        ranks = len(option_ids)
        super().__init__(
            fields=tuple(forms.CharField() for _pk in option_ids),
            widget=RankingWidget(option_ids, ranks),
            require_all_fields=False,
            **kwargs,
        )

    def clean(self, value: Any) -> ChoiceAnswer | None:
        values = [str(v or "").strip() for v in (value or [])]
        values += [""] * (len(self.option_ids) - len(values))
        count = len(self.option_ids)
        if not any(values):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        allowed = {str(n) for n in range(1, count + 1)}
        if any(v not in allowed for v in values):
            raise ValidationError(
                _("Give every option a rank from 1 to %(count)d") % {"count": count},
                code="incomplete",
            )
        if len(set(values)) != count:
            raise ValidationError(
                _("Give each option a different rank: use each number from 1 to %(count)d once")
                % {"count": count},
                code="repeated",
            )
        order = sorted(zip((int(v) for v in values), self.option_ids, strict=True))
        return ChoiceAnswer(option_ids=tuple(pk for _rank, pk in order))

    def compress(self, data_list: list[Any]) -> Any:  # clean() above does the work
        raise NotImplementedError


# --- what the template needs for each question --------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    id: str
    checked: bool


@dataclass
class Part:
    """A box of a date input or a select of a ranking."""

    name: str
    id: str
    label: str
    value: str
    error: bool = False
    width: str = ""  # date boxes: the GOV.UK width class


@dataclass
class QuestionItem:
    """One question as a page shows it."""

    question: Question
    field: forms.BoundField
    kind: str
    choices: list[Choice] = dataclasses.field(default_factory=list)
    other: forms.BoundField | None = None
    other_checked: bool = False
    parts: list[Part] = dataclasses.field(default_factory=list)
    rank_choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    max_length: int | None = None
    value: str = ""
    hint: str = ""  # the question's help text, then how to answer ("For example, LU1 2BQ")

    @property
    def errors(self) -> list[str]:
        return [str(error) for error in self.field.errors]

    @property
    def id(self) -> str:
        return self.field.auto_id or self.field.html_name

    @property
    def describedby(self) -> str:
        """aria-describedby for the input (or fieldset): character count, hint, error."""
        ids = []
        if self.kind == Question.Kind.LONG_TEXT:
            ids.append(f"{self.id}-info")
        if self.hint:
            ids.append(f"{self.id}-hint")
        if self.field.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def anchor(self) -> str:
        """Where the error summary's link for this question leads: the first input in error."""
        if self.parts:
            for part in self.parts:
                if part.error:
                    return part.id
            return self.parts[0].id
        if self.choices and self.kind != Question.Kind.WARD:
            return self.choices[0].id
        return self.id
