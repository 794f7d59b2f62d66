"""The assembly pages and the secretary's admin: what each person sees and does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Ballot, Meeting, MeetingEvent, Participation, Proposal
from governance.services.meetings import (
    meeting_approve_minutes,
    meeting_convene,
    meeting_declare_results,
    meeting_draft_minutes,
    meeting_open_voting,
    meeting_publish,
)
from governance.services.proxies import proxy_appoint
from governance.services.voting import ballot_cast
from members.models import Member
from tests.governance.factories import meeting_closed, meeting_make, meeting_voting, members_make

pytestmark = pytest.mark.django_db


def test_a_member_votes_in_the_portal_and_sees_the_receipt(client, articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    client.force_login(voter.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert f'name="motion_{motion.pk}"' in page.content.decode()
    response = client.post(reverse("governance:vote", args=[meeting.pk]),
                           {f"motion_{motion.pk}": "abstain"})  # fmt: skip
    assert response.status_code == 200
    ballot = Ballot.objects.get()
    assert ballot.receipt in response.content.decode()
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.context["voter"].voted_motion_ids == {motion.pk}


def test_a_refused_ballot_shows_the_message_and_records_nothing(client, articles):
    articles.vote_changes_allowed = False
    articles.save()
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    ballot_cast(motion=motion, voter=voter, choice="for")
    client.force_login(voter.user)
    # The page no longer offers a ballot for the motion already voted on...
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.context["ballot_form"] is None
    # ...and a ballot posted anyway is refused by the service.
    response = client.post(reverse("governance:vote", args=[meeting.pk]),
                           {f"motion_{motion.pk}": "against"}, follow=True)  # fmt: skip
    messages = [str(m) for m in response.context["messages"]]
    assert any("do not allow" in m or "不允许" in m for m in messages), messages
    assert Ballot.objects.count() == 1
    # An empty ballot is refused too.
    response = client.post(reverse("governance:vote", args=[meeting.pk]), {}, follow=True)
    assert Ballot.objects.count() == 1


def test_the_meeting_page_does_not_show_other_members_choices(client, articles):
    a, b = members_make(2)
    meeting = meeting_voting()
    ballot_cast(motion=meeting.motions.get(), voter=a, choice="against")
    receipt = Ballot.objects.get().receipt
    client.force_login(b.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert receipt not in page


def test_a_member_not_on_the_roll_cannot_open_the_meeting(client, articles):
    members_make(1)
    meeting = meeting_voting()
    (late,) = members_make(1)
    client.force_login(late.user)
    assert client.get(reverse("governance:meeting", args=[meeting.pk])).status_code == 404


def test_results_and_minutes_are_public_once_published(client, articles, secretary):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    receipt = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for").receipt
    meeting = meeting_closed(meeting)
    url = reverse("governance:results", args=[meeting.pk])
    assert client.get(url).status_code == 404  # not declared, and not public
    meeting = meeting_declare_results(meeting=meeting, actor=secretary)
    meeting_draft_minutes(meeting=meeting, text="会议纪要：议案一通过。", actor=secretary)
    meeting = meeting_approve_minutes(meeting=meeting, actor=secretary)
    meeting_publish(meeting=meeting, actor=secretary)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "会议纪要：议案一通过。" in html
    assert receipt in html
    assert voter.legal_name not in html


def test_receipt_check_page(client, articles):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    receipt = ballot_cast(motion=meeting.motions.get(), voter=voter, choice="for").receipt
    page = client.get(reverse("governance:receipt"), {"code": receipt.lower()})
    assert page.status_code == 200
    assert page.context["check"].counted is True
    assert page.context["check"].choice is None  # until the close
    page = client.get(reverse("governance:receipt"), {"code": "NOPE-NOPE-NOPE"})
    assert page.context["form"].errors["code"]


def test_propose_and_cosign_in_the_portal(client, articles):
    articles.proposal_threshold_number = 1
    articles.save()
    author, signer = members_make(2)
    client.force_login(author.user)
    data = {"title": "公开理赔统计", "text": "每月公开", "matter": "general"}
    response = client.post(reverse("governance:proposal_new"), data)
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    response = client.post(reverse("governance:proposal_new"), {"title": "", "text": "x",
                                                                "matter": "general"})  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["title"]
    client.force_login(signer.user)
    assert "公开理赔统计" in client.get(reverse("governance:meetings")).content.decode()
    client.post(reverse("governance:cosign", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.QUEUED


def test_proxy_in_the_portal_refuses_self(client, articles):
    (voter,) = members_make(1)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    client.force_login(voter.user)
    response = client.post(reverse("governance:proxy", args=[meeting.pk]),
                           {"holder": voter.member_number})  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["holder"]


def test_a_suspended_member_is_offered_no_proxy_before_the_roll_is_frozen(client, articles):
    """Found by the assembly journey: before the freeze the page offered a suspended
    member the proxy form, which the service refuses ("Only an eligible voter can
    appoint a proxy"). The page judges eligibility as the service does, and says why."""
    suspended, active = members_make(2)
    Member.objects.filter(pk=suspended.pk).update(status=Member.Status.SUSPENDED)
    meeting = meeting_convene(meeting=meeting_make(opens_in=dt.timedelta(days=21)))
    assert not meeting.roll_hash
    client.force_login(suspended.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.status_code == 200
    assert page.context["proxy_form"] is None
    assert page.context["voter"].on_roll is False
    assert "Only members in good standing vote at this meeting" in page.content.decode()
    client.force_login(active.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.context["proxy_form"] is not None
    assert "Only members in good standing" not in page.content.decode()


def test_a_member_whose_proxy_votes_is_offered_no_ballot(client, articles):
    """Found by the assembly journey: a member who appointed a proxy was shown a ballot
    the service refuses; the holder is offered the ballot for both."""
    principal, holder = members_make(2)
    now = timezone.now()
    meeting = meeting_make(opens_in=dt.timedelta(hours=-1), length=dt.timedelta(days=1))
    meeting_convene(meeting=meeting, at=now - dt.timedelta(days=25))
    proxy_appoint(meeting=meeting, principal=principal, holder=holder)
    meeting_open_voting(meeting=meeting, at=now)
    client.force_login(principal.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    assert page.context["ballot_form"] is None
    assert 'action="/assembly/' not in page.content.decode().split("motions-title")[1]
    client.force_login(holder.user)
    page = client.get(reverse("governance:meeting", args=[meeting.pk]))
    form = page.context["ballot_form"]
    assert [c for c, _ in form.fields["voter"].choices] == ["", principal.member_number]


# --- Admin ---


def test_secretary_records_an_in_person_vote_in_the_admin(client, articles, secretary):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    motion = meeting.motions.get()
    client.force_login(secretary)
    url = reverse("admin:governance_meeting_in_person", args=[meeting.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"voter": voter.member_number, "motion": motion.pk,
                                 "choice": "for"})  # fmt: skip
    assert response.status_code == 302
    assert Participation.objects.get().channel == "in_person"
    assert MeetingEvent.objects.filter(type="in_person_vote", actor=secretary).exists()
    # A bad voter number is refused on the form, nothing recorded.
    response = client.post(url, {"voter": "X", "motion": motion.pk, "choice": "for"})
    assert response.status_code == 200 and response.context["form"].errors["voter"]
    assert Participation.objects.count() == 1


def test_admin_never_shows_a_secret_choice_and_logs_cannot_be_deleted(client, articles, secretary):
    (voter,) = members_make(1)
    meeting = meeting_voting()
    ballot_cast(motion=meeting.motions.get(), voter=voter, choice="against")
    client.force_login(secretary)
    page = client.get(reverse("admin:governance_participation_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert voter.member_number in html or voter.legal_name in html
    assert Ballot.objects.get().receipt not in html
    participation = Participation.objects.get()
    detail = client.get(reverse("admin:governance_participation_change", args=[participation.pk]))
    assert detail.status_code == 200
    assert participation.ballot_seal not in detail.content.decode()
    assert Ballot.objects.get().receipt not in detail.content.decode()
    from django.contrib import admin

    from governance.models import Ballot as BallotModel

    assert BallotModel not in admin.site._registry
    event = MeetingEvent.objects.first()
    assert client.post(reverse("admin:governance_meetingevent_delete", args=[event.pk]),
                       {"post": "yes"}).status_code == 403  # fmt: skip
    url = reverse("admin:governance_participation_delete", args=[participation.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403


def test_admin_convene_action_refuses_a_short_notice(client, articles, secretary):
    members_make(1)
    meeting = meeting_make(opens_in=dt.timedelta(days=5))
    client.force_login(secretary)
    response = client.post(
        reverse("admin:governance_meeting_changelist"),
        {"action": "convene", "_selected_action": [meeting.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("20" in m for m in messages), messages
    meeting.refresh_from_db()
    assert meeting.status == "drafted"


def test_admin_refuses_a_special_matter_put_to_an_ordinary_vote(client, articles, secretary):
    from governance.models import Motion

    meeting = meeting_make(motions=())
    client.force_login(secretary)
    response = client.post(
        reverse("admin:governance_motion_add"),
        {"meeting": meeting.pk, "title": "合并", "text": "与某互助社合并", "matter": "merger",
         "requested_kind": "ordinary", "seats": 0},
        follow=True,
    )  # fmt: skip
    messages = [str(m) for m in response.context["messages"]]
    assert any("two thirds" in m or "三分之二" in m for m in messages), messages
    assert not Motion.objects.filter(meeting=meeting).exists()
    response = client.post(
        reverse("admin:governance_motion_add"),
        {"meeting": meeting.pk, "title": "合并", "text": "与某互助社合并", "matter": "merger",
         "requested_kind": "", "seats": 0},
    )  # fmt: skip
    assert response.status_code == 302
    assert Motion.objects.get(meeting=meeting).kind == "special"


def test_admin_refusals_are_messages_not_error_pages(client, articles, secretary):
    from governance.models import Articles, Body, Meeting

    board = Body.objects.filter(kind=Body.Kind.BOARD).first() or Body.objects.create(
        kind=Body.Kind.BOARD, name="董事会", seats=7
    )
    client.force_login(secretary)
    response = client.post(
        reverse("admin:governance_meeting_add"),
        {"body": board.pk, "kind": "annual", "title": "错配", "location": "",
         "voting_opens_at_0": "2027-01-10", "voting_opens_at_1": "09:00",
         "voting_closes_at_0": "2027-01-11", "voting_closes_at_1": "09:00",
         "motions-TOTAL_FORMS": 0, "motions-INITIAL_FORMS": 0},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("board" in m.lower() or "董事会" in m for m in messages), messages
    assert not Meeting.objects.filter(title="错配").exists()
    articles_url = reverse("admin:governance_articles_change", args=[articles.pk])
    page = client.get(articles_url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["special_matters"] = '["merger", "no-such-matter"]'
    data = {k: ("on" if v is True else "" if v in (False, None) else v) for k, v in data.items()}
    response = client.post(articles_url, data)
    assert response.status_code == 200
    assert "special_matters" in response.context["adminform"].form.errors
    assert Articles.objects.get(pk=articles.pk).special_matters == articles.special_matters


def _admin_change_data(response) -> dict:
    """The POST data of an admin change form as rendered (form and inline formsets)."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(field, "fields"):  # split date/time
            local = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = (
                local.date().isoformat(),
                local.strftime("%H:%M:%S"),
            )
        elif value is not None:
            data[name] = getattr(value, "pk", value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for inline in formset.formset.forms:
            for name in ("id", formset.formset.fk.name):
                value = inline.initial.get(name, getattr(inline.instance, f"{name}_id", None))
                if name == "id":
                    value = inline.instance.pk
                data[f"{inline.prefix}-{name}"] = value
    return data


def test_admin_edit_of_a_drafted_meeting_goes_through_the_draft_rules(client, articles, secretary):
    """An admin edit may not turn an assembly's meeting into a board meeting (or break any
    other rule of drafting): the same rules as drafting (review finding 9)."""
    meeting = meeting_make()
    client.force_login(secretary)
    url = reverse("admin:governance_meeting_change", args=[meeting.pk])
    data = _admin_change_data(client.get(url))
    data["kind"] = Meeting.Kind.BOARD
    response = client.post(url, data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("board meeting is for a board" in m for m in messages), messages
    assert Meeting.objects.get(pk=meeting.pk).kind == Meeting.Kind.ANNUAL
    # A valid change is saved.
    data = _admin_change_data(client.get(url))
    data["title"] = "2026年度会员大会（改期）"
    client.post(url, data, follow=True)
    assert Meeting.objects.get(pk=meeting.pk).title == "2026年度会员大会（改期）"


def _convened_election(seats: int = 2):
    from governance.models import Body, Matter
    from governance.services.meetings import motion_add
    from tests.governance.factories import body_get

    meeting = meeting_make(motions=())
    motion = motion_add(meeting=meeting, title="董事选举 Board election", text="",
                        matter=Matter.ELECTION, seats=seats,
                        elects_to=body_get(Body.Kind.BOARD))  # fmt: skip
    meeting_convene(meeting=meeting)
    return meeting, motion


def test_members_stand_and_second_nominations_in_the_portal(client, articles):
    """A member stands with a statement; the nomination waits for a seconder; another
    member seconds it in the portal and the candidate stands on the ballot."""
    from governance.models import Candidate

    candidate, seconder = members_make(2)
    meeting, motion = _convened_election()
    client.force_login(candidate.user)
    url = reverse("governance:nominate", args=[meeting.pk, motion.pk])
    response = client.post(url, {"member_number": "", "statement": "愿为会员服务"})
    assert response.status_code == 302
    nomination = Candidate.objects.get()
    assert (nomination.member, nomination.nominated_by, nomination.status) == (
        candidate,
        candidate,
        Candidate.Status.NOMINATED,
    )
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert "愿为会员服务" in page
    # The candidate may not second their own nomination: no button, and the service refuses.
    assert reverse("governance:second", args=[meeting.pk, nomination.pk]) not in page
    client.post(reverse("governance:second", args=[meeting.pk, nomination.pk]))
    assert Candidate.objects.get().status == Candidate.Status.NOMINATED

    client.force_login(seconder.user)
    second = reverse("governance:second", args=[meeting.pk, nomination.pk])
    assert second in client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert client.post(second).status_code == 302
    assert Candidate.objects.get().status == Candidate.Status.STANDING


def test_nominating_an_unknown_number_or_after_voting_opens_records_nothing(client, articles):
    from governance.models import Candidate

    (member,) = members_make(1)
    meeting, motion = _convened_election()
    client.force_login(member.user)
    url = reverse("governance:nominate", args=[meeting.pk, motion.pk])
    response = client.post(url, {"member_number": "M-1999-000000-0"}, follow=True)
    assert "No member has the number M-1999-000000-0." in response.content.decode()
    # Voting has opened (set directly: opening needs the record date to pass first).
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.VOTING_OPEN)
    response = client.post(url, {"member_number": ""}, follow=True)
    assert "Nominations close when voting opens." in response.content.decode()
    assert not Candidate.objects.exists()
