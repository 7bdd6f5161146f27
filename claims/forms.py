from django import forms
from django.core.exceptions import ValidationError

from claims.models import Claim
from claims.services import claim_verdict_validate


class VerdictActionForm(forms.Form):
    """The intermediate page of a bulk verdict: one reason for every selected claim."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Why this verdict: what the evidence shows. Readers see it on every claim "
        "selected; for a reset it is kept in each claim's history.",
        error_messages={"required": "Give a reason: it is recorded with every claim changed."},
    )


class ClaimAdminForm(forms.ModelForm):
    """The verdict part of a claim's change page; the sentence itself comes from imports."""

    class Meta:
        model = Claim
        fields = ["status", "reason"]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if "status" in cleaned_data and "reason" in cleaned_data:
            try:
                status, reason = claim_verdict_validate(
                    status=cleaned_data["status"], reason=cleaned_data["reason"]
                )
            except ValidationError as error:
                # Field errors also keep the model's constraint check from repeating the
                # message in its own words.
                self.add_error(None, error)
            else:
                cleaned_data["status"], cleaned_data["reason"] = status, reason
        return cleaned_data
