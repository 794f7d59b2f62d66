"""Portal forms: shape only; the services decide (and their errors land on the fields)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualsociety.common.forms import DomainErrorFormMixin

from .models import ConsultationQuestion, Matter, Motion
from .models.consultations import SCALE_MAX, SCALE_MIN, TEXT_MAX_LENGTH

VOTE_CHOICES = [("for", _("For")), ("against", _("Against")), ("abstain", _("Abstain"))]


class BallotForm(DomainErrorFormMixin, forms.Form):
    """One field per motion: for/against/abstain, or up to N candidates in an election;
    and whose vote it is (yours, or that of a member whose proxy you hold)."""

    voter = forms.ChoiceField(label=_("Vote for"), required=False)

    def __init__(self, *args, motions: list[Motion], principals: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.motions = motions
        self.fields["voter"].choices = [("", _("Myself"))] + [
            (m.member_number, m.legal_name) for m in principals
        ]
        if not principals:
            self.fields["voter"].widget = forms.HiddenInput()
        for motion in motions:
            name = f"motion_{motion.pk}"
            if motion.is_election:
                self.fields[name] = forms.MultipleChoiceField(
                    label=f"{motion.number}. {motion.title}",
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(str(c.pk), c.member.legal_name) for c in motion.ballot_candidates],
                    help_text=_("Mark up to %(n)s candidates.") % {"n": motion.seats},
                )
            else:
                self.fields[name] = forms.ChoiceField(
                    label=f"{motion.number}. {motion.title}",
                    required=False,
                    widget=forms.RadioSelect,
                    choices=VOTE_CHOICES,
                )

    def motion_fields(self):
        return [self[f"motion_{m.pk}"] for m in self.motions]

    def choices(self) -> dict[int, object]:
        out: dict[int, object] = {}
        for motion in self.motions:
            value = self.cleaned_data.get(f"motion_{motion.pk}")
            if motion.is_election:
                if value:
                    out[motion.pk] = [int(v) for v in value]
            elif value:
                out[motion.pk] = value
        return out

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.choices():
            raise forms.ValidationError(_("Mark a choice on at least one motion."))
        return cleaned


class ProxyForm(DomainErrorFormMixin, forms.Form):
    holder = forms.CharField(
        label=_("Member number of your proxy holder"),
        max_length=20,
        help_text=_("Another member who may vote at this meeting and will vote for you."),
    )


class ProposalForm(DomainErrorFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text of the motion"), widget=forms.Textarea(attrs={"rows": 6}))
    matter = forms.ChoiceField(
        label=_("What it decides"),
        choices=[(v, label) for v, label in Matter.choices if v != Matter.ELECTION],
        initial=Matter.GENERAL,
    )


class NominationForm(DomainErrorFormMixin, forms.Form):
    """Stand for election, or nominate another member by their member number."""

    member_number = forms.CharField(
        label=_("Member number of the candidate"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to stand yourself."),
    )
    statement = forms.CharField(
        label=_("Candidate statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class ActionForm(DomainErrorFormMixin, forms.Form):
    """A button that calls a service (co-sign, second, revoke a proxy): no input but the
    CSRF token; a refusal lands on the form (``call_service``) and is shown as a message."""


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=16,
        help_text=_("As shown when you voted: XXXX-XXXX-XXXX."),
    )


class ConsultationAnswerForm(DomainErrorFormMixin, forms.Form):
    """One field per question (``question_<id>``, the name the service's errors use):
    a radio list, checkboxes, the 1-5 scale or a text; a question not required may be
    left empty. Shape only: ``consultation_respond`` checks the answers."""

    def __init__(self, *args, questions: list[ConsultationQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        Kind = ConsultationQuestion.Kind
        for question in questions:
            name = f"question_{question.pk}"
            label = f"{question.order}. {question.text}"
            if question.kind == Kind.SINGLE:
                self.fields[name] = forms.TypedChoiceField(
                    label=label, required=question.required, coerce=int,
                    widget=forms.RadioSelect,
                    choices=[(o.pk, o.text) for o in question.options.all()],
                )  # fmt: skip
            elif question.kind == Kind.MULTIPLE:
                self.fields[name] = forms.TypedMultipleChoiceField(
                    label=label, required=question.required, coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    choices=[(o.pk, o.text) for o in question.options.all()],
                    help_text=_("Mark all that apply."),
                )  # fmt: skip
            elif question.kind == Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=label, required=question.required, coerce=int,
                    widget=forms.RadioSelect,
                    choices=[(p, str(p)) for p in range(SCALE_MIN, SCALE_MAX + 1)],
                    help_text=_("1 = not at all, 5 = fully."),
                )  # fmt: skip
            else:
                self.fields[name] = forms.CharField(
                    label=label, required=question.required, max_length=TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )  # fmt: skip

    def answers(self) -> dict[int, object]:
        """Question id → the answer, as the service takes it."""
        return {q.pk: self.cleaned_data.get(f"question_{q.pk}") for q in self.questions}


class ConsultationCommentForm(DomainErrorFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    #: A fresh key with each form shown: the same submission sent twice posts once.
    key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
