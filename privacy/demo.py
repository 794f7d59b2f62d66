"""Demo data of the privacy app: one open deletion request (王芳 asks to delete her phone
number and her claims), so the staff queue and /me/privacy/ have something to show.
Idempotent (the request's key)."""

from __future__ import annotations

from members.models import Member

from .services.requests import privacy_request_submit


def seed() -> dict:
    member = Member.objects.filter(user__username="wangfang").first()
    if member is None:
        return {"requests": 0}
    request = privacy_request_submit(
        member=member,
        actor=member.user,
        kind="deletion",
        key="demo-deletion",
        items=["phone", "claims"],
        details="我不再使用这个手机号码。",
    )
    return {"requests": 1 if request.pk else 0}
