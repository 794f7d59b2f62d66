app_name = "members"

# The member portal (enrolment, dashboard, profile, certificate, statement, withdrawal).
urlpatterns: list = []
