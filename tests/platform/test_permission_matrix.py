"""The permission matrix: every URL pattern in the URLconf, visited as every persona.

The patterns come from the URLconf itself (tests/platform/url_matrix.py walks it), so a new
view fails `test_every_url_pattern_is_in_the_matrix` until someone says here who may reach it.
Each (pattern, persona) pair is its own test, named after both, and none may ever answer 500.

Object-level rules (whose listing, whose draft, whose response) are behaviour tests in the
apps' suites; the ones this issue asks for, and where they live:

- another organisation's listing, GET and POST: tests/hubs/test_editor.py
- another member's draft action or update: tests/taskforce/test_actions_workflow.py
- another person's consultation response, draft link or receipt: tests/engagement/
  test_respond_save_and_return.py and test_respond_forms.py
- what is added below: the checks none of those files made.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from engagement.models import (
    AssemblySession,
    ConsultationOutcome,
    OutcomeDecision,
    Recommendation,
    SelectionRun,
)
from engagement.services.consultations import document_add
from luton2040.accounts.roles import Role
from luton2040.notifications.models import Notification
from taskforce.services import reports as report_services

from ..engagement.test_assemblies_support import make_pool
from ..factories import (
    ActionFactory,
    ActionUpdateFactory,
    AnswerFactory,
    CommitmentFactory,
    ConsultationFactory,
    EvidenceLinkFactory,
    IndicatorValueFactory,
    ListingEditFactory,
    ListingReportFactory,
    OrganisationEditorFactory,
    OrganisationFactory,
    ProgressReportFactory,
    QuestionFactory,
    ReportSectionFactory,
    ResponseFactory,
    UserFactory,
    editable_service,
)
from .url_matrix import (
    ADMIN_LOGIN,
    BAD_TOKEN_LINK,
    ERROR,
    LOGIN,
    METHOD,
    MFA,
    OK,
    PERSONAS,
    PUBLIC,
    REDIRECT,
    REFUSED,
    SIGNED_IN_ONLY,
    STAFF,
    STAFF_POST_ONLY,
    Rule,
    expect,
    named_patterns,
    outcome,
    resolve_kwargs,
    rule_for,
    staff_page,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BAD_TOKEN = "=not-a-real-token"

# --- The matrix -------------------------------------------------------------------------------
# Keys are "namespace:name" or "re:<regex>" for a group. To add a URL: give it a Rule (the shapes
# in url_matrix.py, or expect(...) for a page of its own) and, for each captured group, the
# object in `world` below that fills it ("hub.slug").

# Organisation editors' pages: their own organisation's listings; nobody else, staff included
# (staff change listings in the admin, behind MFA): hubs/rules.py.
EDITOR = Rule(expect(REFUSED, anonymous=LOGIN, org_editor=OK))
EDITOR_POST_ONLY = Rule(
    expect(METHOD, anonymous=LOGIN),
    post=expect(REFUSED, anonymous=LOGIN, org_editor=REDIRECT),
)
# Taskforce member pages: members, leads and council staff with two-factor set up
# (taskforce/rules.py is_taskforce; without it a staff account has a resident's powers).
TASKFORCE = Rule(
    expect(OK, anonymous=LOGIN, resident=REFUSED, org_editor=REFUSED, staff_without_mfa=REFUSED)
)
TASKFORCE_POST_ONLY = Rule(
    expect(METHOD, anonymous=LOGIN),
    post=expect(
        {OK, REDIRECT},
        anonymous=LOGIN,
        resident=REFUSED,
        org_editor=REFUSED,
        staff_without_mfa=REFUSED,
    ),
)
# Reviewing members' actions and updates: taskforce leads, and staff with MFA.
REVIEWERS = Rule(expect(REFUSED, anonymous=LOGIN, taskforce_lead=OK, staff=OK))
# The hub desk (assisted and paper responses): council staff (with two-factor) and
# organisation editors.
HUB_DESK = Rule(expect(REFUSED, anonymous=LOGIN, staff=OK, org_editor=OK))
# Staff get each model's pages as the admin's model permissions say: see _admin_staff_outcome.
ADMIN = Rule(expect(ADMIN_LOGIN, staff=OK, staff_without_mfa=MFA), note="admin")
# allauth's sign-in pages send someone already signed in on to their account page.
SIGNED_OUT_PAGE = Rule(expect(REDIRECT, anonymous=OK))
# A step that needs something started first (a code sent, a password to set): sent back.
NO_CODE_PENDING = Rule(expect(REDIRECT, anonymous=LOGIN))
NO_RESPONSE_STARTED = Rule(expect(REDIRECT, anonymous=LOGIN))

MATRIX: dict[str, Rule] = {
    # Site pages
    "home": PUBLIC,
    "accessibility": PUBLIC,
    "privacy": PUBLIC,
    "cookies": PUBLIC,
    # allauth: sign-in pages send the signed-in on; account pages need an account.
    "account_login": SIGNED_OUT_PAGE,
    "account_signup": SIGNED_OUT_PAGE,
    "account_logout": Rule(expect(OK, anonymous=REDIRECT)),
    "account_inactive": PUBLIC,
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC.with_kwargs(uidb36="=zz", key="=not-a-key"),
    "account_confirm_email": PUBLIC.with_kwargs(key="=not-a-key"),
    "account_email_verification_sent": PUBLIC,
    "account_confirm_login_code": NO_CODE_PENDING,
    "account_email": SIGNED_IN_ONLY,
    "account_change_password": SIGNED_IN_ONLY,
    "account_set_password": NO_CODE_PENDING,  # they have one: sent to change it
    "account_reauthenticate": SIGNED_IN_ONLY,
    "account_request_reauthentication_code": SIGNED_IN_ONLY,
    "account_confirm_reauthentication_code": NO_CODE_PENDING,
    # Two-factor pages: changing it asks for the password again first (force_login is not a
    # recent sign-in); pages about an authenticator the user has not got are 404.
    "mfa_index": SIGNED_IN_ONLY,
    "mfa_authenticate": NO_CODE_PENDING,
    "mfa_reauthenticate": Rule(expect(REDIRECT, anonymous=LOGIN, staff=OK)),
    "mfa_activate_totp": NO_CODE_PENDING,
    "mfa_deactivate_totp": Rule(expect(REFUSED, anonymous=LOGIN, staff=REDIRECT)),
    "mfa_generate_recovery_codes": NO_CODE_PENDING,
    "re:mfa_(view|download)_recovery_codes": Rule(expect(REFUSED, anonymous=LOGIN)),
    # The portal's own account pages
    "accounts:profile": SIGNED_IN_ONLY,
    "re:accounts:your-data(-json)?": SIGNED_IN_ONLY,
    # Staff cannot delete their own account here (a person with a role is removed by staff).
    "accounts:delete": Rule(
        expect(OK, anonymous=LOGIN, staff=REFUSED, staff_without_mfa=REFUSED),
        post=expect({REDIRECT, OK}, anonymous=LOGIN, staff=REFUSED, staff_without_mfa=REFUSED),
    ),
    "accounts:deleted": PUBLIC,
    "notifications:preferences": SIGNED_IN_ONLY,
    "notifications:follow": PUBLIC.with_query("topic=citizens-assemblies"),
    "notifications:confirm-follow": BAD_TOKEN_LINK.with_kwargs(token=BAD_TOKEN),
    "notifications:unsubscribe": BAD_TOKEN_LINK.with_kwargs(token=BAD_TOKEN),
    # Staff pages
    "staff-home": STAFF,
    "audit:event-list": STAFF,
    "audit:event-list-csv": STAFF,
    "notifications-staff:list": STAFF,
    "notifications-staff:detail": STAFF.with_kwargs(pk="notification.pk"),
    "notifications-staff:retry": STAFF_POST_ONLY.with_kwargs(pk="notification.pk"),
    # Directory, public
    "hubs:index": PUBLIC,
    "hubs:hub-list": PUBLIC,
    "hubs:hub-detail": PUBLIC.with_kwargs(slug="hub.slug"),
    "hubs:service-detail": PUBLIC.with_kwargs(slug="service.slug"),
    "hubs:shortlist": PUBLIC,
    "hubs:shortlist-shared": PUBLIC,
    "hubs:shortlist-add": Rule(expect(METHOD)),
    "hubs:shortlist-remove": Rule(expect(METHOD)),
    "hubs:report-create": PUBLIC.with_kwargs(slug="service.slug"),
    "hubs:hub-report-create": PUBLIC.with_kwargs(slug="hub.slug"),
    "hubs:usefulness": Rule(expect(METHOD), kwargs={"slug": "service.slug"}),
    "hubs:report-status": PUBLIC.with_kwargs(reference="report.reference"),
    "hubs:report-sent": PUBLIC.with_kwargs(reference="report.reference"),
    "hubs:service-confirm": BAD_TOKEN_LINK.with_kwargs(token=BAD_TOKEN),
    # Directory, organisation editors
    "hubs:manage": EDITOR,
    "hubs:service-edit": EDITOR.with_kwargs(slug="service.slug"),
    "hubs:hub-edit": EDITOR.with_kwargs(slug="hub.slug"),
    "hubs:service-propose": EDITOR.with_kwargs(organisation="organisation.slug"),
    "hubs:hub-propose": EDITOR.with_kwargs(organisation="organisation.slug"),
    "hubs:edit-sent": EDITOR.with_kwargs(pk="edit.pk"),
    "hubs:edit-withdraw": EDITOR_POST_ONLY.with_kwargs(pk="edit.pk"),
    # Directory, staff
    "hubs-staff:review-list": STAFF,
    "hubs-staff:review-detail": STAFF.with_kwargs(pk="edit.pk"),
    "hubs-staff:review-approve": STAFF_POST_ONLY.with_kwargs(pk="edit.pk"),
    "hubs-staff:review-reject": STAFF_POST_ONLY.with_kwargs(pk="edit.pk"),
    "hubs-staff:report-list": STAFF,
    "hubs-staff:report-detail": STAFF.with_kwargs(pk="report.pk"),
    "hubs-staff:unconfirmed-list": STAFF,
    "hubs-staff:export": STAFF,
    "hubs-staff:import": STAFF,
    # Open Referral UK API: public, read-only
    "oruk:root": PUBLIC,
    "oruk:openapi": PUBLIC,
    "oruk:schema": PUBLIC.with_kwargs(name="=service.json"),
    "oruk:service-list": PUBLIC,
    "oruk:service-detail": PUBLIC.with_kwargs(id="service.uuid"),
    "oruk:service-at-location-list": PUBLIC,
    "oruk:service-at-location-detail": PUBLIC.with_kwargs(id="sal.uuid"),
    "oruk:taxonomy-list": PUBLIC,
    "oruk:taxonomy-detail": PUBLIC.with_kwargs(id="taxonomy.uuid"),
    "oruk:taxonomy-term-list": PUBLIC,
    "oruk:taxonomy-term-detail": PUBLIC.with_kwargs(id="term.uuid"),
    "oruk:organization-list": PUBLIC,
    "oruk:organization-detail": PUBLIC.with_kwargs(id="organisation.uuid"),
    "oruk:not-found": Rule(expect(REFUSED), kwargs={"rest": "=no-such-endpoint"}),
    # Taskforce, public
    "taskforce:index": PUBLIC,
    "taskforce:action-detail": PUBLIC.with_kwargs(reference="action.reference"),
    "taskforce:outcome-list": PUBLIC,
    "taskforce:outcome-detail": PUBLIC.with_kwargs(slug="outcome_.slug"),
    "taskforce:actions-csv": PUBLIC,
    "taskforce:actions-json": PUBLIC,
    "taskforce:indicator-values-csv": PUBLIC,
    "taskforce:indicator-values-json": PUBLIC,
    "taskforce:indicator-detail": PUBLIC.with_kwargs(slug="indicator.slug"),
    "taskforce:evidence-download": Rule(expect(REDIRECT), kwargs={"pk": "evidence.pk"}),
    "taskforce:report-list": PUBLIC,
    "taskforce:report-detail": PUBLIC.with_kwargs(
        slug="published_report.slug", version="published_report.version"
    ),
    "taskforce:report-csv": PUBLIC.with_kwargs(
        slug="published_report.slug", version="published_report.version"
    ),
    # Taskforce, members (the member below owns the action and the draft)
    "taskforce:my-actions": TASKFORCE,
    "taskforce:action-create": TASKFORCE,
    "taskforce:action-edit": TASKFORCE.with_kwargs(reference="draft_action.reference"),
    "taskforce:action-submit": TASKFORCE_POST_ONLY.with_kwargs(reference="draft_action.reference"),
    "taskforce:update-create": TASKFORCE.with_kwargs(reference="action.reference"),
    "taskforce:review-queue": REVIEWERS,
    "taskforce:action-review": REVIEWERS.with_kwargs(reference="draft_action.reference"),
    "taskforce:update-review": REVIEWERS.with_kwargs(pk="waiting_update.pk"),
    "taskforce:indicator-values": TASKFORCE.with_kwargs(slug="indicator.slug"),
    "taskforce:indicator-value-delete": Rule(
        expect(METHOD),  # @require_POST comes before the sign-in check here
        post=expect(
            REDIRECT,
            anonymous=LOGIN,
            resident=REFUSED,
            org_editor=REFUSED,
            staff_without_mfa=REFUSED,
        ),
        kwargs={"slug": "indicator.slug", "pk": "value.pk"},
    ),
    # Taskforce, staff
    "taskforce-staff:report-list": STAFF,
    "taskforce-staff:report-create": STAFF,
    "taskforce-staff:report-compose": STAFF.with_kwargs(pk="draft_report.pk"),
    "taskforce-staff:report-edit": STAFF.with_kwargs(pk="draft_report.pk"),
    "taskforce-staff:report-preview": STAFF.with_kwargs(pk="draft_report.pk"),
    "taskforce-staff:report-publish": STAFF.with_kwargs(pk="draft_report.pk"),
    "taskforce-staff:report-correct": STAFF.with_kwargs(pk="published_report.pk"),
    "taskforce-staff:section-add": STAFF.with_kwargs(pk="draft_report.pk"),
    "taskforce-staff:section-edit": STAFF.with_kwargs(
        pk="draft_report.pk", section_pk="section.pk"
    ),
    "taskforce-staff:section-delete": STAFF.with_kwargs(
        pk="draft_report.pk", section_pk="section.pk"
    ),
    "taskforce-staff:section-move": STAFF_POST_ONLY.with_kwargs(
        pk="draft_report.pk", section_pk="section.pk"
    ),
    # Have your say, public
    "engagement:index": PUBLIC,
    "engagement:consultation": PUBLIC.with_kwargs(slug="consultation.slug"),
    "engagement:consultation-document": PUBLIC.with_kwargs(
        slug="consultation.slug", pk="document.pk"
    ),
    "engagement:respond": PUBLIC.with_kwargs(slug="consultation.slug"),
    # The steps of a response need one in progress (none here: the resident's is sent), and
    # this consultation takes signed-in responses only.
    "engagement:respond-section": NO_RESPONSE_STARTED.with_kwargs(
        slug="consultation.slug", number="=1"
    ),
    "re:engagement:respond-(equality|check|save)": NO_RESPONSE_STARTED.with_kwargs(
        slug="consultation.slug"
    ),
    # Only the resident has sent a response: nobody else sees a receipt or can change one.
    "engagement:respond-sent": Rule(expect(REDIRECT, resident=OK)).with_kwargs(
        slug="consultation.slug"
    ),
    # The resident's own sent response opens at its check page; nobody else's opens at all.
    "engagement:respond-change": Rule(expect(REDIRECT, anonymous=LOGIN)).with_kwargs(
        slug="consultation.slug"
    ),
    "engagement:respond-return": BAD_TOKEN_LINK.with_kwargs(
        slug="consultation.slug", token=BAD_TOKEN
    ),
    "engagement:results": PUBLIC.with_kwargs(slug="closed.slug"),
    "engagement:outcome": PUBLIC.with_kwargs(slug="closed.slug"),
    "engagement:outcome-list": PUBLIC,
    "engagement:assembly-list": PUBLIC,
    "engagement:assembly": PUBLIC.with_kwargs(slug="assembly.slug"),
    "engagement:assembly-register": PUBLIC.with_kwargs(slug="assembly.slug"),
    "engagement:assembly-registered": PUBLIC.with_kwargs(slug="assembly.slug"),
    # Hub desk: staff and organisation editors enter paper and assisted responses
    "engagement:hub-desk": HUB_DESK,
    "engagement:hub-desk-entry": HUB_DESK.with_kwargs(slug="consultation.slug"),
    # Have your say, staff: consultations
    "engagement-staff:consultation-list": STAFF,
    "engagement-staff:consultation-create": STAFF,
    "engagement-staff:population": STAFF,
    "re:engagement-staff:(consultation-(detail|edit)|documents|survey|who-is-responding"
    "|results|coding-frame|responses-csv|survey-section-add)": STAFF.with_kwargs(
        slug="consultation.slug"
    ),
    # Already open: publishing sends staff back to the consultation's page.
    "engagement-staff:consultation-publish": staff_page(REDIRECT).with_kwargs(
        slug="consultation.slug"
    ),
    "re:engagement-staff:outcome-(edit|decision-add)": STAFF.with_kwargs(slug="closed.slug"),
    # Already published: back to the outcome page.
    "engagement-staff:outcome-publish": staff_page({OK, REDIRECT}).with_kwargs(slug="closed.slug"),
    "engagement-staff:document-remove": STAFF.with_kwargs(
        slug="consultation.slug", pk="document.pk"
    ),
    "re:engagement-staff:survey-section-(edit|delete|preview)": STAFF.with_kwargs(
        slug="consultation.slug", section_pk="question.section.pk"
    ),
    "engagement-staff:survey-section-move": STAFF_POST_ONLY.with_kwargs(
        slug="consultation.slug", section_pk="question.section.pk"
    ),
    "engagement-staff:survey-question-add": STAFF.with_kwargs(
        slug="consultation.slug", section_pk="question.section.pk"
    ),
    "re:engagement-staff:survey-question-(edit|delete)": STAFF.with_kwargs(
        slug="consultation.slug", question_pk="question.pk"
    ),
    "engagement-staff:survey-question-move": STAFF_POST_ONLY.with_kwargs(
        slug="consultation.slug", question_pk="question.pk"
    ),
    "engagement-staff:results-answers": STAFF.with_kwargs(
        slug="consultation.slug", question="question.pk"
    ),
    "engagement-staff:answer-tags": STAFF_POST_ONLY.with_kwargs(
        slug="consultation.slug", answer="answer.pk"
    ),
    "re:engagement-staff:outcome-decision-(edit|delete|new-action)": STAFF.with_kwargs(
        slug="closed.slug", decision="decision.pk"
    ),
    # Have your say, staff: citizens' assemblies
    "engagement-staff:assembly-list": STAFF,
    "engagement-staff:assembly-create": STAFF,
    "re:engagement-staff:assembly-(overview|edit|publish|sessions|features|quotas|volunteers"
    "|run-create|recommendations|recommendations-publish|responses-publish)": STAFF.with_kwargs(
        pk="assembly.pk"
    ),
    "engagement-staff:assembly-session-edit": STAFF.with_kwargs(
        pk="assembly.pk", session_pk="assembly_session.pk"
    ),
    "engagement-staff:assembly-session-delete": STAFF_POST_ONLY.with_kwargs(
        pk="assembly.pk", session_pk="assembly_session.pk"
    ),
    "engagement-staff:assembly-feature-delete": STAFF_POST_ONLY.with_kwargs(
        pk="assembly.pk", feature_pk="feature.pk"
    ),
    "engagement-staff:assembly-category-add": STAFF.with_kwargs(
        pk="assembly.pk", feature_pk="feature.pk"
    ),
    "engagement-staff:assembly-category-delete": STAFF_POST_ONLY.with_kwargs(
        pk="assembly.pk", category_pk="category.pk"
    ),
    "re:engagement-staff:assembly-run(-confirm)?": STAFF.with_kwargs(
        pk="assembly.pk", run_pk="run.pk"
    ),
    "re:engagement-staff:assembly-recommendation-(edit|respond|action)": STAFF.with_kwargs(
        pk="assembly.pk", rec_pk="recommendation.pk"
    ),
    # The Django admin: council staff with MFA; everyone else is sent to its sign-in.
    "admin:login": Rule(expect(REFUSED, anonymous=LOGIN, staff=REDIRECT, staff_without_mfa=MFA)),
    "admin:logout": Rule(expect(REDIRECT, staff=METHOD, staff_without_mfa=MFA)),
    "admin:view_on_site": Rule(expect(ADMIN_LOGIN, staff=REDIRECT, staff_without_mfa=MFA)),
    # Without its query (which field of which model) the autocomplete refuses everyone.
    "admin:autocomplete": Rule(expect(ADMIN_LOGIN, staff=REFUSED, staff_without_mfa=MFA)),
    "re:admin:<unnamed .*>": Rule(expect(OK), note="not visited: Django's own redirects"),
    "re:admin:.*": ADMIN,
}


# --- Patterns and parameters ------------------------------------------------------------------

PATTERNS = named_patterns()


def _cases() -> Iterator[Any]:
    for pattern in PATTERNS:
        rule = rule_for(pattern.name, MATRIX)
        if rule is None or rule.note.startswith("not visited"):
            continue
        for persona in PERSONAS:
            yield pytest.param(pattern, rule, persona, id=f"{pattern.name}-{persona}")


CASES = list(_cases())
POST_CASES = [case for case in CASES if case.values[1].post is not None]


def test_every_url_pattern_is_in_the_matrix() -> None:
    missing = [f"{p.name} ({p.route})" for p in PATTERNS if rule_for(p.name, MATRIX) is None]
    assert not missing, "Say who may reach these URLs in MATRIX:\n" + "\n".join(missing)


def test_every_matrix_entry_names_a_url_pattern() -> None:
    names = [p.name for p in PATTERNS]
    stale = [
        key
        for key in MATRIX
        if not any(rule_for(name, {key: MATRIX[key]}) is not None for name in names)
    ]
    assert not stale, f"These MATRIX keys match no URL pattern any more: {stale}"


# --- The data every URL's kwargs come from ----------------------------------------------------


def _persona(email: str, *roles: Role, mfa: bool = False) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = UserFactory(email=email, roles=list(roles))
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def _build_world() -> SimpleNamespace:
    users = {
        "resident": _persona("matrix.resident@example.org", Role.RESIDENT),
        "taskforce_member": _persona("matrix.member@example.org", Role.TASKFORCE_MEMBER),
        "taskforce_lead": _persona(
            "matrix.lead@example.org", Role.TASKFORCE_MEMBER, Role.TASKFORCE_LEAD
        ),
        "org_editor": _persona("matrix.editor@example.org", Role.ORGANISATION_EDITOR),
        "staff": _persona("matrix.staff@luton.gov.uk.example", Role.COUNCIL_STAFF, mfa=True),
        "staff_without_mfa": _persona("matrix.nomfa@luton.gov.uk.example", Role.COUNCIL_STAFF),
    }
    staff = users["staff"]

    # Directory: the editor's organisation with a service at a hub, and a pending change.
    organisation: Any = OrganisationFactory()
    OrganisationEditorFactory(organisation=organisation, user=users["org_editor"])
    service = editable_service(organisation)
    sal = service.service_at_locations.select_related("location").get()
    hub = sal.location
    edit = ListingEditFactory(service=service, submitted_by=users["org_editor"])
    report = ListingReportFactory(service=service)
    from hubs.models import Taxonomy, TaxonomyTerm

    term = TaxonomyTerm.objects.select_related("taxonomy").first()
    taxonomy = Taxonomy.objects.first()

    # Taskforce: a public action led by the member, with a published update and evidence, an
    # update waiting for review, the member's draft; an indicator; a draft and a published report.
    member = users["taskforce_member"]
    action = ActionFactory(lead_member=member)
    evidence = EvidenceLinkFactory(update=ActionUpdateFactory(action=action))
    waiting_update = ActionUpdateFactory(action=action, review="submitted", published_at=None)
    draft_action = ActionFactory(lead_member=member, review="draft", published_at=None)
    outcome_ = action.outcomes.get()
    value = IndicatorValueFactory(indicator__outcome=outcome_)
    indicator = value.indicator
    draft_report = ProgressReportFactory()
    section = ReportSectionFactory(report=draft_report)
    published_report = report_services.report_publish(
        report=ReportSectionFactory().report,  # type: ignore[arg-type]
        by=staff,
    )

    # Engagement: an open consultation with a question, a response with a written answer and a
    # document; a closed one with public results and a published outcome.
    consultation: Any = ConsultationFactory(allow_save_and_return=True)
    question = QuestionFactory(section__consultation=consultation, kind="long-text")
    QuestionFactory(section=question.section, kind="single-choice", options=["Yes", "No"])
    CommitmentFactory()  # so the admin's pages for it have a row to show
    answer = AnswerFactory(
        response=ResponseFactory(consultation=consultation, respondent=users["resident"]),
        question=question,
        text="More buses at night, please.",
    )
    document = document_add(
        consultation=consultation,
        by=staff,
        title="The proposal",
        upload=io.BytesIO(PDF),
        file_name="proposal.pdf",
    )
    closed: Any = ConsultationFactory(
        status="outcome-published",
        publish_results=True,
        opens_at=timezone.now() - datetime.timedelta(weeks=8),
        closes_at=timezone.now() - datetime.timedelta(weeks=2),
    )
    closed_outcome = ConsultationOutcome.objects.create(
        consultation=closed,
        we_asked="Which routes matter?",
        you_said="Route 24.",
        we_did="Kept route 24.",
        published_at=timezone.now(),
        published_by=staff,
    )
    decision = OutcomeDecision.objects.create(outcome=closed_outcome, text="Keep route 24")

    # Citizens' assembly with its sessions, characteristics, a draw and a recommendation.
    assembly = make_pool(volunteers=4, status="meeting")
    assembly_session = AssemblySession.objects.create(
        assembly=assembly,
        title="Session 1",
        starts_at="2027-03-06T10:00:00Z",
        ends_at="2027-03-06T16:00:00Z",
        place="Luton Central Library",
    )
    feature: Any = assembly.features.first()
    category = feature.categories.first()
    run = SelectionRun.objects.create(assembly=assembly, seed=42, algorithm="maximin")
    recommendation = Recommendation.objects.create(
        assembly=assembly, number=1, title="Warm buses", text="Run buses to warm spaces."
    )

    notification = Notification.objects.create(
        kind="account.security", to=users["resident"].email, idempotency_key="matrix:1"
    )
    return SimpleNamespace(**locals())


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    """The objects every pattern's kwargs point at, made once for the module and rolled back
    at its end (each test runs in a savepoint inside this transaction)."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        yield _build_world()
        transaction.set_rollback(True)


def _admin_kwargs(name: str, kwargs: tuple[str, ...]) -> dict[str, Any]:
    """Admin URLs: a real object of the page's model where one exists."""
    values: dict[str, Any] = {}
    if "app_label" in kwargs:
        values["app_label"] = "hubs"
    if "object_id" in kwargs:
        model = next(
            (
                m
                for m in admin.site._registry
                if name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
            ),
            None,
        )
        if model is None:  # view_on_site
            from hubs.models import Service

            values["content_type_id"] = ContentType.objects.get_for_model(Service).pk
            model = Service
        obj = model._default_manager.order_by("pk").first()
        values["object_id"] = obj.pk if obj else 0
    if "id" in kwargs:  # the user's password-change page
        from luton2040.accounts.models import User

        values["id"] = User.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    return values


def _admin_staff_outcome(name: str, kwargs: dict[str, Any], staff: Any) -> frozenset[str]:
    """What staff get from an admin model page: what its ModelAdmin allows them (model
    permissions granted per role in code; some admins are read-only or add-only)."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            break
    else:
        return frozenset({OK})
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = staff
    obj = model._default_manager.filter(pk=kwargs["object_id"]).first() if kwargs else None
    page = name.removeprefix(prefix)
    if page == "history" and kwargs and obj is None:  # looks for the row before asking
        return frozenset({REDIRECT})
    if page == "add":
        allowed = model_admin.has_add_permission(request)
    elif page == "delete":
        allowed = model_admin.has_delete_permission(request, obj)
    else:
        allowed = model_admin.has_view_or_change_permission(request, obj)
    if not allowed:
        return frozenset({REFUSED})
    # No row to show (nothing of this kind in the data): the admin says so and goes back.
    return frozenset({REDIRECT if kwargs and obj is None else OK})


def _url(world: Any, pattern: Any, rule: Rule) -> tuple[str, dict[str, Any]]:
    if rule.note == "admin" or (pattern.name.startswith("admin:") and not rule.kwargs):
        kwargs = _admin_kwargs(pattern.name, pattern.kwargs)
    else:
        kwargs = resolve_kwargs(rule, world)
    missing = set(pattern.kwargs) - set(kwargs)
    assert not missing, f"{pattern.name}: say in MATRIX which objects fill {sorted(missing)}"
    url = reverse(pattern.name, kwargs=kwargs)
    return (f"{url}?{rule.query}" if rule.query else url), kwargs


def _sign_in(client: Client, world: Any, persona: str) -> None:
    cache.clear()  # rate limits count across tests otherwise
    if persona != "anonymous":
        client.force_login(world.users[persona])


def _check(response: Any, method: str, url: str, persona: str, allowed: frozenset[str]) -> None:
    if response.streaming:  # read to the end, so the client closes the file it holds open
        b"".join(response.streaming_content)
    got = outcome(response)
    assert got != ERROR, f"{method} {url} as {persona}: {response.status_code}"
    assert got in allowed, (
        f"{method} {url} as {persona}: {got} ({response.status_code}"
        f" {response.get('Location', '')}), expected {sorted(allowed)}"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "rule", "persona"), CASES)
def test_get(pattern: Any, rule: Rule, persona: str, world: Any, client: Client) -> None:
    url, kwargs = _url(world, pattern, rule)
    allowed = rule.get[persona]
    if rule.note == "admin" and persona == "staff":
        allowed = _admin_staff_outcome(pattern.name, kwargs, world.users["staff"])
    _sign_in(client, world, persona)
    _check(client.get(url), "GET", url, persona, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize(("pattern", "rule", "persona"), POST_CASES)
def test_empty_post(pattern: Any, rule: Rule, persona: str, world: Any, client: Client) -> None:
    url, _kwargs = _url(world, pattern, rule)
    assert rule.post is not None
    _sign_in(client, world, persona)
    _check(client.post(url), "POST", url, persona, rule.post[persona])


# --- Object-level rules the apps' suites did not check yet ------------------------------------


@pytest.mark.django_db
def test_another_member_cannot_read_a_members_draft_or_its_evidence(
    client: Client, taskforce_member: Any
) -> None:
    draft = ActionFactory(lead_member=taskforce_member, review="draft", published_at=None)
    waiting = ActionUpdateFactory(
        action=ActionFactory(lead_member=taskforce_member), review="submitted", published_at=None
    )
    evidence: Any = EvidenceLinkFactory(update=waiting)
    other_member: Any = UserFactory(roles=[Role.TASKFORCE_MEMBER])

    client.force_login(other_member)
    detail = reverse("taskforce:action-detail", kwargs={"reference": draft.reference})
    download = reverse("taskforce:evidence-download", kwargs={"pk": evidence.pk})

    assert client.get(detail).status_code == 404
    assert client.get(download).status_code == 404
    client.force_login(taskforce_member)  # the same URLs work for their owner
    assert client.get(detail).status_code == 200
    assert client.get(download).status_code == 302


@pytest.mark.django_db
def test_your_notification_preferences_list_only_your_own_follows(
    client: Client, resident: Any, outsider: Any
) -> None:
    from luton2040.notifications import subscriptions
    from luton2040.places.models import Ward

    theirs, mine = Ward.objects.order_by("pk")[:2]
    subscriptions.subscription_follow(user=outsider, ward=theirs)
    subscriptions.subscription_follow(user=resident, ward=mine)

    client.force_login(resident)
    page = client.get(reverse("notifications:preferences")).content.decode()

    assert mine.name in page
    assert theirs.name not in page


@pytest.mark.django_db
def test_a_volunteers_details_are_not_shown_to_other_residents(
    client: Client, resident: Any
) -> None:
    from ..factories import AssemblyFactory, VolunteerFactory

    assembly: Any = AssemblyFactory()
    volunteer: Any = VolunteerFactory(
        assembly=assembly, name="Vera Volunteer", email="vera@example.org", postcode="LU2 7XY"
    )
    client.force_login(resident)

    pages = [
        reverse("engagement:assembly", kwargs={"slug": assembly.slug}),
        reverse("engagement:assembly-registered", kwargs={"slug": assembly.slug}),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        for detail in (volunteer.name, volunteer.email, volunteer.postcode):
            assert detail not in page, url
    staff_list = reverse("engagement-staff:assembly-volunteers", kwargs={"pk": assembly.pk})
    assert client.get(staff_list).status_code in (403, 404)
