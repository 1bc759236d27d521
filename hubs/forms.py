"""Forms for the resident directory: the search and filter form, and the shortlist buttons."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luton2040.places.postcodes import InvalidPostcode, PostcodeResult, lookup_postcode

from .models import Service


class DirectorySearchForm(forms.Form):
    """The base of the directory FilterSet's form: checks the "near me" postcode.

    A postcode that is malformed or not one we know gets a GOV.UK error; the rest of the search
    still runs, so a typo in a postcode never empties the page.
    """

    place: PostcodeResult | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The search boxes sit above the filter panel, outside its <form> element.
        for name, autocomplete in (("q", "off"), ("postcode", "postal-code")):
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"form": "directory-search", "autocomplete": autocomplete}
                )
        if "age" in self.fields:
            self.fields["age"].widget.attrs.update({"inputmode": "numeric"})

    def clean_postcode(self) -> str:
        text = (self.cleaned_data.get("postcode") or "").strip()
        if not text:
            return ""
        try:
            place = lookup_postcode(text)
        except InvalidPostcode as error:
            raise forms.ValidationError(error.messages[0], code=error.code) from None
        if place is None or place.latitude is None or place.longitude is None:
            raise forms.ValidationError(
                _("We do not know that postcode. Check it, or enter a Luton postcode like LU1 2BQ"),
                code="unknown",
            )
        self.place = place
        return place.postcode


class ShortlistForm(forms.Form):
    """Add a service to (or remove it from) the shortlist kept in the session."""

    service = forms.UUIDField(widget=forms.HiddenInput)
    # Where to go back to: only a path on this site (checked in the view).
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_service(self) -> Any:
        value = self.cleaned_data["service"]
        if not Service.objects.listed().filter(uuid=value).exists():
            raise forms.ValidationError(_("That service is no longer listed"), code="unknown")
        return value
