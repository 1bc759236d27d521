"""Forms for coding free-text answers: adding a tag, tagging one answer, and choosing which
answers to read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ..models import AnswerTag, Consultation
from ..selectors.results import UNTAGGED


class AnswerTagForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the new tag"),
        max_length=80,
        help_text=_("A theme you see in the answers, for example bus fares or childcare"),
        error_messages={
            "required": _("Enter a name for the tag"),
            "max_length": _("The tag's name must be 80 characters or fewer"),
        },
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter a name for the tag"))
        if AnswerTag.objects.filter(consultation=self.consultation, name__iexact=name).exists():
            raise forms.ValidationError(
                _("There is already a tag called “%(name)s”") % {"name": name}
            )
        return name


class AnswerTagsForm(forms.Form):
    """The tags of one answer: every tag of the consultation as a checkbox."""

    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=AnswerTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose tags from this consultation's list")},
    )

    def __init__(self, *args: Any, tags: QuerySet[AnswerTag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags  # type: ignore[attr-defined]


class AnswerFilterForm(forms.Form):
    """Which answers to show: all, those not yet tagged, or those with one tag."""

    show = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args: Any, tags: list[AnswerTag], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show"].choices = [  # type: ignore[attr-defined]
            ("", _("All answers")),
            (UNTAGGED, _("Answers not tagged yet")),
            *[(str(tag.pk), _("Tagged “%(name)s”") % {"name": tag.name}) for tag in tags],
        ]
