app_name = "members-api"

# /api/v1/enrolment/, /api/v1/me/..., and the staff endpoints for applications and members.
urlpatterns: list = []
