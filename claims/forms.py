import re
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from claims.evidence import QUOTE_MAX_LENGTH
from claims.models import Claim, Evidence
from claims.services import (
    REASON_MAX_LENGTH,
    ClaimChanged,
    claim_lock,
    claim_verdict_validate,
)
from claims.timeline import claim_changes_since
from sources.models import Source


def reason_widget(rows: int = 4) -> forms.Textarea:
    # static/js/admin-claims.js counts down to the limit under every box with data-maxlength.
    return forms.Textarea(
        attrs={
            "rows": rows,
            "cols": 60,
            "maxlength": REASON_MAX_LENGTH,
            "data-maxlength": REASON_MAX_LENGTH,
            "class": "reason-box",
        }
    )


def versions_encode(versions: dict[int, int]) -> str:
    return ",".join(f"{claim_id}.{version}" for claim_id, version in sorted(versions.items()))


def versions_decode(text: str) -> dict[int, int] | None:
    """{claim id: version} from "12.3,14.0"; None when the text is not of that form."""
    versions = {}
    for part in (text or "").split(","):
        claim_id, _, version = part.partition(".")
        if not (claim_id.isdigit() and version.isdigit() and len(part) < 40):
            return None
        versions[int(claim_id)] = int(version)
    return versions


class VerdictActionForm(forms.Form):
    """The intermediate page of a bulk verdict: one reason for every selected claim."""

    reason = forms.CharField(
        widget=reason_widget(),
        max_length=REASON_MAX_LENGTH,
        help_text="Why this verdict: what the evidence shows. Readers see it on every claim "
        "selected; for a reset it is kept in each claim's history.",
        error_messages={"required": "Give a reason: it is recorded with every claim changed."},
    )
    # Every selected claim's version when this page was shown: a claim that changes before the
    # editor confirms is named, and nothing is applied.
    versions = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This confirmation page was not complete; check the claims below and "
            "confirm again."
        },
    )

    def clean_versions(self) -> dict[int, int]:
        versions = versions_decode(self.cleaned_data.get("versions", ""))
        if versions is None:
            raise ValidationError("The page was damaged; open the action again from the list.")
        return versions


class LoadedVersionMixin(forms.Form):
    """A claim form that knows which version of the claim it was filled in on.

    Validation locks the claim's row (the admin and the desk save inside a transaction) and
    refuses the form when the claim changed since: `conflict` then lists the other editor's
    changes, and the form shows the current version, so saving again is a deliberate choice.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    loaded_at = forms.CharField(widget=forms.HiddenInput, required=False)

    conflict: list | None = None

    def set_loaded(self, claim: Claim) -> None:
        self.initial["loaded_version"] = claim.version
        self.initial["loaded_at"] = timezone.now().isoformat()

    def loaded_at_time(self) -> datetime | None:
        value = parse_datetime(self.data.get(self.add_prefix("loaded_at"), "") or "")
        return value if value is not None and timezone.is_aware(value) else None

    def check_version(self, claim_id: int) -> Claim | None:
        version = self.cleaned_data.get("loaded_version")
        try:
            return claim_lock(claim_id, expected_version=version)
        except ClaimChanged as changed:
            current = changed.claims[0]
            self.conflict = claim_changes_since(current, self.loaded_at_time())
            self.add_error(None, str(changed))
            # Shown again with the current version: the next save is made knowing the changes.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = str(current.version)
            self.data[self.add_prefix("loaded_at")] = timezone.now().isoformat()
            return None


class ClaimAdminForm(LoadedVersionMixin, forms.ModelForm):
    """The verdict part of a claim's change page; the sentence itself comes from imports."""

    class Meta:
        model = Claim
        fields = ["status", "reason"]
        widgets = {"reason": reason_widget(rows=6)}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.set_loaded(self.instance)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            self.check_version(self.instance.pk)
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


class EvidenceInlineForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["source", "stance", "quote"]
        # A table row has no <label>s: the column heading names each box for screen readers.
        widgets = {
            "stance": forms.Select(attrs={"aria-label": "Stance"}),
            "quote": forms.Textarea(
                attrs={
                    "rows": 2,
                    "cols": 40,
                    "maxlength": QUOTE_MAX_LENGTH,
                    "class": "quote-box",
                    "aria-label": "Quote",
                }
            ),
        }


class DeskQueueForm(forms.Form):
    """The desk's queue, from the query string; anything unreadable is simply left out."""

    article = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    outlet = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    needs_citation = forms.BooleanField(required=False, label="Only claims that need a citation")
    scope = forms.ChoiceField(
        required=False,
        choices=[("unreviewed", "Unreviewed claims only"), ("all", "Every claim")],
        initial="unreviewed",
    )
    withdrawn = forms.BooleanField(
        required=False, label="Withdrawn claims (their sentence is gone from the article)"
    )


# The stance a new piece of evidence takes when the editor leaves it to the verdict.
STANCE_FOR_VERDICT = {
    Claim.Status.SUPPORTED: Evidence.Stance.SUPPORTS,
    Claim.Status.FALSE: Evidence.Stance.CONTRADICTS,
    Claim.Status.CONTESTED: Evidence.Stance.CONTRADICTS,
}
_SOURCE_NUMBER = re.compile(r"(?:^|\(|\s)#?(\d{1,18})\)?\s*$")


class DeskForm(LoadedVersionMixin, forms.Form):
    """The desk's one form: verdict, reason, and a piece of evidence to add."""

    # In the order of their keys, 1 to 5, then 0 for "unreviewed" (claims.desk.views.VERDICT_KEYS).
    status = forms.ChoiceField(
        choices=[*Claim.Status.choices[1:], Claim.Status.choices[0]],
        widget=forms.RadioSelect,
        label="Verdict",
    )
    reason = forms.CharField(
        required=False,
        widget=reason_widget(rows=5),
        help_text="Why this verdict: what the evidence shows. Readers see it.",
    )
    add_source = forms.CharField(
        required=False,
        max_length=1000,
        label="Add evidence",
        help_text="Paste the web address of a source (a new one is put on record), or type to "
        "search our sources and pick one.",
    )
    add_stance = forms.ChoiceField(
        required=False,
        choices=[("", "As the verdict says"), *Evidence.Stance.choices[1:]],
        label="Stance",
        help_text="“As the verdict says”: supports for Supported, contradicts for False and "
        "Contested.",
    )
    add_quote = forms.CharField(
        required=False,
        max_length=QUOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40, "maxlength": QUOTE_MAX_LENGTH}),
        label="Quote",
        help_text="The passage of the source that matters, word for word (checked against the "
        "source when we hold its text).",
    )
    action = forms.ChoiceField(
        required=False,
        choices=[("save_next", "Save and next"), ("save", "Save")],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, claim: Claim, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.claim = claim
        if not self.is_bound:
            self.initial.update({"status": claim.status, "reason": claim.reason})
            self.set_loaded(claim)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if "status" in cleaned_data:
            try:
                cleaned_data["status"], cleaned_data["reason"] = claim_verdict_validate(
                    status=cleaned_data["status"], reason=cleaned_data.get("reason", "")
                )
            except ValidationError as error:
                self.add_error(None, error)
        self._clean_new_evidence(cleaned_data)
        return cleaned_data

    def _clean_new_evidence(self, cleaned_data: dict) -> None:
        text = (cleaned_data.get("add_source") or "").strip()
        cleaned_data["add_source"] = None
        cleaned_data["add_url"] = ""
        if not text:
            if (cleaned_data.get("add_quote") or "").strip():
                self.add_error("add_source", "A quote needs its source: name the source too.")
            return
        if text.lower().startswith(("http://", "https://", "www.")):
            cleaned_data["add_url"] = text if "://" in text else f"https://{text}"
        else:
            number = _SOURCE_NUMBER.search(text)
            source = (
                Source.objects.select_related("outlet").filter(pk=int(number.group(1))).first()
                if number
                else None
            )
            if source is None:
                self.add_error(
                    "add_source",
                    f"“{text[:80]}” is neither a web address nor one of our sources: paste the "
                    "address (https://…), or pick a source from the suggestions (they end in "
                    "their number, #123).",
                )
                return
            cleaned_data["add_source"] = source
        stance = cleaned_data.get("add_stance") or STANCE_FOR_VERDICT.get(
            cleaned_data.get("status")
        )
        if not stance:
            self.add_error(
                "add_stance",
                "Choose the stance: this verdict does not say whether the source supports or "
                "contradicts the sentence.",
            )
        cleaned_data["add_stance"] = stance


class DeskEvidenceForm(forms.ModelForm):
    """One existing piece of evidence on the desk: its stance, its quote, or remove it."""

    remove = forms.BooleanField(
        required=False, label="Remove", help_text="Removes this evidence, never the source."
    )

    class Meta:
        model = Evidence
        fields = ["stance", "quote"]
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2, "cols": 40, "maxlength": QUOTE_MAX_LENGTH})
        }

    def _post_clean(self) -> None:
        # Uniqueness and the rest are claims.evidence's business, inside the claim's lock.
        pass
