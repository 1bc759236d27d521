"""Forms of the hub desk area: entering a paper, phone or assisted response, and the population
figures "Who is responding" compares responses with."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from hubs.models import Location

from ..models import Channel, Consultation
from ..selectors.representation import PopulationCategory
from ..services.hub_desk import desk_channels


class HubDeskEntryForm(forms.Form):
    """How the response reached the desk, where, and whom to tell what came of it."""

    channel = forms.ChoiceField(
        label=_("How did this response reach you?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select how the response reached you"),
            "invalid_choice": _("Select one of the ways listed"),
        },
    )
    hub = forms.ModelChoiceField(
        label=_("Hub"),
        queryset=Location.objects.none(),
        required=False,
        error_messages={
            "required": _("Select the hub where the response was given"),
            "invalid_choice": _("Select one of your organisation's hubs"),
        },
    )
    hear_back_email = forms.EmailField(
        label=_("Email address to tell them what happened (optional)"),
        required=False,
        help_text=_(
            "Only if the person asked to hear what came of the consultation. It is kept apart "
            "from their answers, so it does not say what they said."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com")
        },
    )

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        hubs: Any,
        any_hub: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = desk_channels(consultation)  # type: ignore[attr-defined]
        hub = self.fields["hub"]
        hub.queryset = hubs  # type: ignore[attr-defined]
        if any_hub:
            # Council staff take responses at the council too (the phone line, post).
            hub.empty_label = _("No hub")  # type: ignore[attr-defined]
            hub.help_text = _("Leave as “No hub” for a response that came to the council.")
        else:
            # An organisation editor records responses at their own organisation's hubs only:
            # the choices hold no other hub, so another one's id is refused as not a choice.
            hub.empty_label = _("Choose a hub")  # type: ignore[attr-defined]
            hub.required = bool(hubs)


class ChannelFilterForm(forms.Form):
    """Who is responding, narrowed to one way of responding."""

    channel = forms.ChoiceField(
        label=_("How people responded"),
        required=False,
        choices=[("", _("Every way")), *Channel.choices],
    )


# Published shares are rounded, so a question's shares may add up to a little over 100.
ROUNDING_ALLOWANCE = Decimal("0.5")


class PopulationFigureForm(forms.Form):
    """One category's figure. Blank share: no figure (the page says so)."""

    share = forms.DecimalField(
        label=_("Share of residents (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        # A text box, not type=number (GOV.UK: number inputs mangle and scroll values).
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        error_messages={
            "invalid": _("Enter the share as a number, like 12.5"),
            "max_decimal_places": _("Enter the share with no more than 2 decimal places"),
            "max_digits": _("Enter a share between 0 and 100"),
            "min_value": _("Enter a share between 0 and 100"),
            "max_value": _("Enter a share between 0 and 100"),
        },
    )
    source = forms.CharField(label=_("Source"), required=False, max_length=300)
    checked = forms.BooleanField(label=_("Checked against the published figures"), required=False)

    def __init__(self, *args: Any, category: PopulationCategory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        # Each box names its category (the table's column heading alone is not a label).
        name = f"{category.dimension_title}: {category.label}"
        self.fields["share"].label = _("%(category)s, share of residents (%%)") % {"category": name}
        self.fields["source"].label = _("%(category)s, source") % {"category": name}
        self.fields["checked"].label = _("%(category)s, checked") % {"category": name}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("share") is not None and not (data.get("source") or "").strip():
            self.add_error(
                "source",
                _("Enter where the figure for %(category)s comes from, like the ONS table")
                % {"category": f"{self.category.dimension_title}: {self.category.label}"},
            )
        return data


class BasePopulationFormSet(BaseFormSet):  # type: ignore[type-arg]
    """One form per category, always in the order ``categories`` gives (which the server
    decides, so a changed management form cannot add or relabel rows)."""

    def __init__(self, *args: Any, categories: list[PopulationCategory], **kwargs: Any) -> None:
        self.categories = categories
        if "initial" not in kwargs:
            kwargs["initial"] = [
                {"share": None, "source": "", "checked": False}
                if c.figure is None
                else {
                    "share": c.figure.share,
                    "source": c.figure.source,
                    "checked": c.figure.checked,
                }
                for c in categories
            ]
        super().__init__(*args, **kwargs)

    def total_form_count(self) -> int:
        return len(self.categories)

    def initial_form_count(self) -> int:
        return len(self.categories)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if index is not None:
            kwargs["category"] = self.categories[index]
        return kwargs

    def clean(self) -> None:
        if any(self.errors):
            return
        totals: dict[str, Decimal] = defaultdict(Decimal)
        titles: dict[str, str] = {}
        for form in self.forms:
            share = form.cleaned_data.get("share")
            if share is not None:
                totals[form.category.dimension] += share
                titles[form.category.dimension] = form.category.dimension_title
        for dimension, total in totals.items():
            if total > 100 + ROUNDING_ALLOWANCE:
                raise forms.ValidationError(
                    _(
                        "The %(question)s shares add up to %(total)s%%: they must not add up to "
                        "more than 100%%"
                    )
                    % {"question": titles[dimension].lower(), "total": total.normalize()}
                )

    def figures_by_dimension(self) -> list[tuple[str, list[Any]]]:
        """The forms grouped by question, for one table each."""
        groups: dict[str, list[Any]] = {}
        titles: dict[str, str] = {}
        for form in self.forms:
            groups.setdefault(form.category.dimension, []).append(form)
            titles[form.category.dimension] = form.category.dimension_title
        return [(titles[key], forms_) for key, forms_ in groups.items()]


PopulationFormSet = cast(
    type[BasePopulationFormSet],
    formset_factory(PopulationFigureForm, formset=BasePopulationFormSet, extra=0),
)
