"""Portal forms of the complaints desk: they check shape only; the services decide, and
their errors come back to the field they name (``DomainErrorFormMixin``)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.services.documents import Upload
from members.models import ContributionDue, Member
from mutualsociety.common.display import format_date
from mutualsociety.common.forms import DomainErrorFormMixin, MultipleFileField

from .models import Complaint
from .services import ComplaintData

NONE = [("", "—")]


def _id(value):
    return int(value) if value not in (None, "") else None


class ComplaintForm(DomainErrorFormMixin, forms.Form):
    """A complaint as the complainant types it. A member may name one of their own
    claims, applications or shares; a person who is signed out gives contact details.
    The hidden submission key makes a form sent twice file one complaint."""

    category = forms.ChoiceField(
        label=_("What is the complaint about?"),
        choices=NONE + list(Complaint.Category.choices),
        required=False,
    )
    claim = forms.TypedChoiceField(label=_("Claim"), coerce=int, required=False, empty_value=None)
    application = forms.TypedChoiceField(
        label=_("Application"), coerce=int, required=False, empty_value=None
    )
    share = forms.TypedChoiceField(
        label=_("Apportioned share"), coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    desired_outcome = forms.CharField(
        label=_("What would you like us to do?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    contact_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF, JPEG or PNG files, if you have any."),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    optional_fields = ("claim", "application", "share", "desired_outcome", "documents")

    def __init__(self, *args, member: Member | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        if member is None:
            for name in ("claim", "application", "share"):
                del self.fields[name]
            for name in ("contact_name",):
                self.fields[name].widget.attrs["required"] = True
            return
        for name in ("contact_name", "contact_phone", "contact_email"):
            del self.fields[name]
        self.fields["claim"].choices = NONE + [
            (c.pk, f"{c.number} · {c.get_status_display()}")
            for c in member.claims.order_by("-submitted_at")
        ]
        self.fields["application"].choices = NONE + [
            (a.pk, f"{format_date(a.submitted_at.date())} · {a.get_status_display()}")
            for a in member.applications.order_by("-submitted_at")
        ]
        self.fields["share"].choices = NONE + [
            (d.pk, f"{format_date(d.period_start)} · {d.amount}")
            for d in member.dues.filter(kind=ContributionDue.Kind.SHARE).order_by("-period_start")[
                :50
            ]
        ]
        for name in ("claim", "application", "share"):
            if len(self.fields[name].choices) == 1:
                del self.fields[name]

    def complaint_data(self) -> ComplaintData:
        data = self.cleaned_data
        return ComplaintData(
            category=data.get("category") or "",
            description=data.get("description") or "",
            desired_outcome=data.get("desired_outcome") or "",
            claim=_id(data.get("claim")),
            application=_id(data.get("application")),
            share=_id(data.get("share")),
            contact_name=data.get("contact_name") or "",
            contact_phone=data.get("contact_phone") or "",
            contact_email=data.get("contact_email") or "",
        )

    def uploads(self) -> list[Upload]:
        return [Upload.of(f) for f in self.cleaned_data.get("documents") or []]


class EscalateForm(DomainErrorFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you ask the supervisory board to look at it?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
