"""Browser journey of recruitment, in Debian's Chromium through Playwright: a company applies on
the public page with its licence (a PDF), the regional manager assigns, reviews, scores and submits
it, the regional manager and the director approve, and the new partner admin opens the e-mailed
invitation, sets a password and sees their own partner archive.

Everything the journey needs is made before the browser starts; during it the test only reads
the e-mail outbox (no ORM inside Playwright's event loop)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache

from qudao.core.tests.factories import PASSWORD, OfficeFactory, RegionFactory, UserFactory

from .test_recruitment_support import PDF, credit_code, qualification_card

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
COMPANY = "深圳浏览器测试科技有限公司"


@pytest.fixture
def cast(transactional_db, settings, tmp_path):
    """The organisation, the reviewers and the scorecard, made before the browser starts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    south = RegionFactory(code="HN", name="华南")
    shenzhen = OfficeFactory(code="HN-SZ", name="深圳办事处", parent=south)
    UserFactory(username="south_b", roles=["regional_manager"], region=south)
    UserFactory(username="director_b", roles=["director"])
    channel_mgr = UserFactory(username="cm_b", roles=["channel_manager"], region=shenzhen)
    UserFactory(username="p_role_seed", roles=["partner_admin"])  # the role row exists
    card = qualification_card()
    return {
        "office": shenzhen,
        "channel_mgr": channel_mgr,
        "criteria": list(card.criteria.values_list("pk", flat=True)),
    }


def new_page(browser):
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/", wait_until="networkidle")
    page.fill("input[name=identifier]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/")
    page.wait_for_load_state("networkidle")


def submit_and_settle(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state("networkidle")


def test_company_applies_is_qualified_and_its_admin_logs_in_through_the_invitation(
    live_server, cast, browser
):
    base = live_server.url

    # Given a company on the public page, not logged in
    applicant = new_page(browser)
    applicant.goto(f"{base}/partners/apply/", wait_until="networkidle")
    fields = {
        "company_name": COMPANY,
        "credit_code": credit_code(4242).lower(),
        "legal_representative": "陈七",
        "contact_name": "陈七",
        "contact_phone": "13700004242",
        "contact_email": "chen7@browser.example.com",
        "address": "深圳市福田区",
        "business_scope": "视频监控系统集成与运维",
        "staff_count": "120",
        "registered_capital": "2000",
        "annual_revenue": "8000",
    }
    for name, value in fields.items():
        applicant.fill(f"[name={name}]", value)
    applicant.select_option("select[name=region]", str(cast["office"].pk))
    applicant.set_input_files(
        "input[name=licence]",
        files=[{"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )

    # When it submits the application
    submit_and_settle(applicant, "[data-testid=application-form] button[type=submit]")

    # Then it gets its application number
    number = applicant.locator("[data-testid=application-number]")
    expect(number).to_have_text(re.compile(r"^SQ-\d{4}-\d{6}$"))
    application_number = number.inner_text()

    # When the regional manager opens it, assigns a channel manager, reviews and scores it
    reviewer = new_page(browser)
    log_in(reviewer, base, "south_b")
    reviewer.goto(f"{base}/partners/applications/", wait_until="networkidle")
    reviewer.click(f"text={application_number}")
    reviewer.wait_for_load_state("networkidle")
    expect(reviewer.locator("[data-testid=application-company]")).to_have_text(COMPANY)
    expect(reviewer.locator("[data-testid=attachments]")).to_contain_text("营业执照.pdf")
    reviewer.select_option("select[name=assignee]", str(cast["channel_mgr"].pk))
    submit_and_settle(reviewer, "[data-testid=assign]")
    submit_and_settle(reviewer, "[data-testid=start-review]")
    for pk in cast["criteria"]:
        reviewer.fill(f"input[name=score_{pk}]", "9")
    submit_and_settle(reviewer, "[data-testid=save-scores]")
    expect(reviewer.locator("[data-testid=total-score]")).to_have_text("90.00")

    # And submits it for approval and approves the first step
    submit_and_settle(reviewer, "[data-testid=submit-approval]")
    expect(reviewer).to_have_url(re.compile(r"/approvals/\d+/$"))
    approval_url = reviewer.url
    reviewer.click("label[for=id_decision_0]")  # no decision is preselected (issue 18)
    submit_and_settle(reviewer, "form:has(input[value=decide]) button[type=submit]")

    # And the channel director approves the last step
    director = new_page(browser)
    log_in(director, base, "director_b")
    director.goto(approval_url, wait_until="networkidle")
    director.click("label[for=id_decision_0]")
    director.fill("textarea[name=comment]", "欢迎加入")
    submit_and_settle(director, "form:has(input[value=decide]) button[type=submit]")
    expect(director.locator("[data-testid=approval-status]")).to_have_class(
        re.compile("text-bg-success")
    )

    # Then the applicant's contact has an invitation e-mail with a one-time link
    invitations = [m for m in mail.outbox if "chen7@browser.example.com" in m.to]
    assert len(invitations) == 1
    link = re.search(r"https?://\S+(/accounts/invite/\S+/)", invitations[0].body).group(1)

    # When the new partner admin opens the link and sets a password
    admin = new_page(browser)
    admin.goto(f"{base}{link}", wait_until="networkidle")
    admin.fill("input[name=new_password1]", "Chen-Qi-2026!")
    admin.fill("input[name=new_password2]", "Chen-Qi-2026!")
    submit_and_settle(admin, "[data-testid=invitation-form] button[type=submit]")
    expect(admin).to_have_url(f"{base}/")

    # Then they are logged in and see their own partner's archive page
    # (the partner list sends a partner user to their own partner's page)
    admin.goto(f"{base}/partners/", wait_until="networkidle")
    admin.wait_for_load_state("networkidle")
    expect(admin).to_have_url(re.compile(r"/partners/\d+/$"))
    expect(admin.locator("[data-testid=partner-name]")).to_have_text(COMPANY)

    # And the link does not work a second time
    again = new_page(browser)
    response = again.goto(f"{base}{link}", wait_until="networkidle")
    assert response is not None and response.status == 400
    expect(again.locator("[data-testid=invitation-invalid]")).to_be_visible()
