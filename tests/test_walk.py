"""The whole path in a real browser, through the pages only.

Copenhagen posts a flood warning challenge. The city assigns Nordbro Advisory to facilitate it. Haneul
Sensing, a Korean company whose engineer uses the Korean interface, drafts a proposal and invites Nordvand
Operations, a Danish operator, as its local partner; Nordvand confirms from the invitation; Haneul submits.
Delta Pumps sends a proposal of its own. The city reads the ranked list, keeps a note, shortlists the
consortium and declines Delta Pumps with a reason. It opens a workspace with Haneul and Nordvand and Nordbro
as facilitator; the stages move forward with reasons; the city lists what a solution must fit, both companies
answer, the city records its investment decision; Haneul writes the requirement document, Nordvand edits it,
the city agrees it and moves the gate to ready to tender. At every step the people concerned find the
notification on their Notifications page and in their mail, with a link to the same page.

Only the organisations, their people, one published solution and the open challenge are made directly; the
rest is forms, buttons and links. Screenshots of each step land in test-artifacts/screenshots/walk-*.png.
"""

from .conftest import CHALLENGE, CITY, DELTA, HANEUL, NORDBRO, NORDVAND, TODAY
from .test_browser import shoot
from .walking import WALK_MARKS, Walk, at_phone_width, click

pytestmark = WALK_MARKS

PROPOSAL = "Street sensors that warn before the water rises"
OTHER_PROPOSAL = "Pump trucks on call"
WORKSPACE = "Flood warnings: co-creation"


def stage_track(page):
    """The stages as the track shows them: the current one marked."""
    return [("*" if "stage-current" in item.get_attribute("class") else "") + item.inner_text().split(" ", 1)[1]
            for item in page.locator(".stage-track .stage").all()]


def checklist(page):
    return [item.inner_text() for item in page.locator(".next-gate .checklist-missing").all()]


def test_a_city_two_companies_in_a_consortium_and_a_consultant_walk_to_ready_to_tender(app, live_server, browser,
                                                                                        people):
    walk = Walk(app, live_server, browser)
    ko = walk.ko

    # 1. The city assigns the consultancy to its challenge; the consultancy hears of it.
    city = walk.log_in(CITY)
    click(city, city.get_by_role("link", name=CHALLENGE), "Facilitating consultancies")
    city.get_by_label("Assign a consultancy").select_option(label="Nordbro Advisory · Denmark")
    click(city, city.get_by_role("button", name="Assign"), "The consultancy is assigned")
    assert city.locator("#consultants-heading + ul").inner_text().startswith("Nordbro Advisory")
    shoot(city, "walk-01-city-assigns-the-consultancy-desktop")

    consultant = walk.log_in(NORDBRO)
    walk.notified(consultant, "City of Copenhagen assigned your consultancy to facilitate its challenge",
                  NORDBRO, "consultancy_assigned")
    consultant.get_by_role("heading", name=CHALLENGE).wait_for()
    shoot(consultant, "walk-02-consultant-opens-the-challenge-from-the-notification-desktop")

    # 2. Haneul drafts a proposal in the Korean interface, linking its solution.
    haneul = walk.log_in(HANEUL)
    click(haneul, haneul.locator("header a[href$='/challenges']").first, CHALLENGE)
    click(haneul, haneul.get_by_role("link", name=CHALLENGE), ko("Answer with a proposal"))
    click(haneul, haneul.get_by_role("link", name=ko("Answer with a proposal")), ko("Your approach"))
    haneul.locator("#title").fill(PROPOSAL)
    haneul.locator("#language").select_option("en")
    haneul.locator("#approach").fill(
        "Radar water level sensors in manholes warn residents of low-lying streets before cloudbursts flood them. "
        "Warnings go out through the city's own alert system; Nordvand installs and maintains the sensors.")
    haneul.get_by_label("Street-level flood sensors").check()
    haneul.locator("#cost_estimate").fill("3800000")
    haneul.locator("#currency").select_option("DKK")
    haneul.locator("#timeline").fill("Three months of design, six months of pilot in Valby.")
    shoot(haneul, "walk-03-haneul-drafts-the-proposal-ko-desktop")
    click(haneul, haneul.get_by_role("button", name=ko("Save draft")), ko("Before you submit, add:"))
    assert ko("Team") in haneul.locator(".alert-info").inner_text()  # the page says what submitting still needs
    click(haneul, haneul.get_by_role("link", name=ko("Edit"), exact=True), ko("Your approach"))
    haneul.locator("#team").fill("Four engineers in Seoul and Nordvand's field crew in Copenhagen.")
    click(haneul, haneul.get_by_role("button", name=ko("Save draft")), ko("The proposal is saved."))
    assert haneul.locator(".alert-info").count() == 0

    # 3. Haneul invites Nordvand as its local partner; Nordvand confirms from the invitation.
    haneul.locator("#organisation_id").select_option(label="Nordvand Operations · 덴마크")
    haneul.locator("#role").select_option("local-partner")
    haneul.locator("#share").fill("30")
    click(haneul, haneul.get_by_role("button", name=ko("Invite"), exact=True),
          ko("The invitation is sent. The partner appears on the proposal once it confirms."))
    consortium = haneul.locator("#consortium").inner_text()
    assert "Nordvand Operations" in consortium and ko("invited") in consortium and "70" in consortium
    shoot(haneul, "walk-04-haneul-invites-nordvand-ko-desktop")

    nordvand = walk.log_in(NORDVAND)
    walk.notified(nordvand, "Haneul Sensing invites your organisation into its consortium", NORDVAND,
                  "partner_invited")
    nordvand.get_by_role("heading", name="Invitation to a consortium").wait_for()
    assert "local partner" in nordvand.locator("dl.facts").inner_text()
    at_phone_width(nordvand, "05-nordvand-reads-the-invitation")
    click(nordvand, nordvand.get_by_role("button", name="Confirm and join"),
          "Your organisation is in the consortium; the proposal is open to you now.")
    nordvand.get_by_text("Your organisation is a consortium partner").wait_for()
    nordvand.get_by_role("heading", name=PROPOSAL).wait_for()
    shoot(nordvand, "walk-06-nordvand-joined-and-reads-the-proposal-desktop")

    walk.notified(haneul, "Nordvand Operations", HANEUL, "partner_answered", locale="ko")
    assert ko("confirmed") in haneul.locator("#consortium").inner_text()

    # 4. Haneul submits; Delta Pumps sends a proposal of its own. The city hears of both.
    click(haneul, haneul.get_by_role("button", name=ko("Submit to the city")),
          ko("The proposal is submitted; the city can read it now."))
    assert haneul.locator(".badge", has_text=ko("submitted")).count() == 1
    shoot(haneul, "walk-07-haneul-submitted-ko-desktop")

    delta = walk.log_in(DELTA)
    click(delta, delta.get_by_role("link", name="Challenges").first, CHALLENGE)
    click(delta, delta.get_by_role("link", name=CHALLENGE), "Answer with a proposal")
    click(delta, delta.get_by_role("link", name="Answer with a proposal"), "Your approach")
    delta.get_by_label("Title").fill(OTHER_PROPOSAL)
    delta.get_by_label("Your approach").fill("Pump trucks wait near known hotspots and empty basements after a storm.")
    delta.get_by_label("Cost estimate").fill("900000")
    delta.get_by_label("Currency").select_option("DKK")
    delta.get_by_label("Timeline").fill("Ready next month.")
    delta.get_by_label("Team").fill("Two crews of three.")
    click(delta, delta.get_by_role("button", name="Save draft"), "A draft: only your company")
    click(delta, delta.get_by_role("button", name="Submit to the city"), "The proposal is submitted")

    walk.notified(city, f"Delta Pumps sent the proposal “{OTHER_PROPOSAL}”", CITY, "proposal_submitted",
                  open_it=False)
    shoot(city, "walk-08-city-notifications-desktop")
    walk.notified(city, f"Haneul Sensing sent the proposal “{PROPOSAL}”", CITY, "proposal_submitted")

    # 5. The city reads the ranked list, keeps a note, shortlists the consortium and declines Delta Pumps.
    click(city, city.get_by_role("link", name="All proposals for this challenge"), "Ranked by how well each answers")
    ranked = [row.inner_text() for row in city.locator("article.proposal-row h2").all()]
    assert [PROPOSAL in ranked[0], OTHER_PROPOSAL in ranked[1]] == [True, True], ranked
    assert "Haneul Sensing + Nordvand Operations" in city.locator("article.proposal-row").first.inner_text()
    shoot(city, "walk-09-city-ranked-proposals-desktop")

    click(consultant, consultant.locator("header").get_by_role("link", name="Dashboard"), "Challenges you facilitate")
    click(consultant, consultant.locator("main").get_by_role("link", name=CHALLENGE), "2 proposals sent")
    click(consultant, consultant.get_by_role("link", name="See the ranked proposals"),
          "Your consultancy reads them; only the city decides and keeps notes.")
    assert consultant.locator("article.proposal-row").count() == 2
    click(consultant, consultant.get_by_role("link", name=PROPOSAL), "Read only: your consultancy facilitates")
    assert consultant.get_by_role("button", name="Shortlist").count() == 0

    click(city, city.get_by_role("link", name=PROPOSAL), "Your decision")
    city.get_by_role("textbox", name="Private note").fill(
        "Strongest fit with our alert system; ask about winter maintenance.")
    click(city, city.get_by_role("button", name="Add note"), "Your note is saved.")
    city.get_by_label("Reason, which the company reads").fill("Your sensors fit our alert system best.")
    click(city, city.get_by_role("button", name="Shortlist"), "The proposal is on your shortlist.")
    assert "On the shortlist." in city.locator(".alert-success").last.inner_text()
    assert "ask about winter maintenance" in city.locator("#notes").inner_text()
    shoot(city, "walk-10-city-shortlists-with-a-note-desktop")
    click(city, city.get_by_role("link", name="All proposals for this challenge"), OTHER_PROPOSAL)
    click(city, city.get_by_role("link", name=OTHER_PROPOSAL), "Your decision")
    click(city, city.get_by_role("button", name="Decline"), "Say why you decline: the company reads it.")
    assert "submitted" in city.locator("main .badge").first.inner_text()  # nothing changed
    city.get_by_label("Reason, which the company reads").fill(
        "Pumping after the flood does not warn residents before it, which is what we need.")
    click(city, city.get_by_role("button", name="Decline"), "The proposal is declined; the company reads your reason.")

    walk.notified(delta, "The city declined your proposal", DELTA, "proposal_declined")
    delta.get_by_text("Declined by the city.").wait_for()
    assert "does not warn residents before it" in delta.locator(".alert-secondary").inner_text()
    at_phone_width(delta, "11-delta-reads-why-it-was-declined")
    walk.notified(nordvand, f"Your proposal “{PROPOSAL}”", NORDVAND, "proposal_shortlisted")
    walk.notified(haneul, PROPOSAL, HANEUL, "proposal_shortlisted", locale="ko")
    haneul.get_by_text(ko("On the shortlist.")).first.wait_for()
    at_phone_width(haneul, "12-haneul-on-the-shortlist-ko")

    # 6. The city opens a workspace with the shortlisted companies and the consultancy as facilitator.
    click(city, city.locator("main").get_by_role("link", name=CHALLENGE).first, "Co-creation workspace")
    click(city, city.get_by_role("link", name="Open a workspace"), "Open a co-creation workspace")
    city.get_by_label("Name of the workspace").fill(WORKSPACE)
    assert city.get_by_label("Delta Pumps").count() == 0  # declined, so not offered
    city.get_by_label("Haneul Sensing").check()
    city.get_by_label("Nordvand Operations").check()
    city.get_by_label("Facilitating consultancy").select_option(label="Nordbro Advisory")
    shoot(city, "walk-13-city-opens-the-workspace-desktop")
    click(city, city.get_by_role("button", name="Open the workspace and invite them"),
          "The workspace is open; the invited organisations are notified.")
    assert stage_track(city) == ["*Explore", "Define", "Co-design", "Pilot", "Ready to tender"]
    tabs = city.locator(".workspace-tabs .nav-tabs")
    assert tabs.evaluate("tabs => tabs.scrollWidth <= tabs.clientWidth")  # every tab in sight, none scrolled off
    shoot(city, "walk-14-workspace-overview-desktop")
    at_phone_width(city, "14-workspace-overview")

    for page, email, locale in ((consultant, NORDBRO, "en"), (nordvand, NORDVAND, "en"), (haneul, HANEUL, "ko")):
        walk.notified(page, WORKSPACE, email, "workspace_member_invited", locale=locale)
        page.locator(".stage-track").wait_for()

    # 7. The stages move forward, each with a reason; the other members hear of each move.
    def move(page, reason, expect_stage):
        click(page, page.locator(".workspace-tabs").get_by_role("link", name="Stages"), "Decide a gate")
        page.get_by_label("Why").fill(reason)
        click(page, page.get_by_role("button", name="Record the gate decision"), "every member is notified")
        assert page.locator(".gate-history li").first.inner_text().count(reason) == 1
        assert page.locator(".stage-current").inner_text().endswith(expect_stage)

    move(consultant, "Residents of the three lowest streets told us what a warning must do.", "Define")
    shoot(consultant, "walk-15-facilitator-moves-to-define-desktop")
    walk.notified(city, "moved from Explore to Define", CITY, "workspace_gate_passed")
    move(city, "The requirements are clear enough to design together.", "Co-design")
    move(consultant, "The design is agreed; the pilot runs in Valby this autumn.", "Pilot")
    walk.notified(haneul, ko("“%(workspace)s” moved from %(from_stage)s to %(to_stage)s", workspace=WORKSPACE,
                             from_stage=ko("Co-design"), to_stage=ko("Pilot")), HANEUL, "workspace_gate_passed",
                  locale="ko")

    # At the pilot the facilitator may not open the last gate, and the city sees what it still needs.
    click(consultant, consultant.locator(".workspace-tabs").get_by_role("link", name="Stages"),
          "The gate to ready-to-tender is the city’s decision.")
    walk.notified(city, "moved from Co-design to Pilot", CITY, "workspace_gate_passed")
    assert stage_track(city) == ["Explore", "Define", "Co-design", "*Pilot", "Ready to tender"]
    assert checklist(city) == ["The city has not recorded its investment decision.",
                               "The city has not listed what a solution must fit yet.",
                               "No requirement document is agreed yet: the city marks the one a tender will be "
                               "built from as agreed."]
    assert city.locator("#direction-forward").is_disabled()  # closed while anything is missing
    shoot(city, "walk-16-pilot-the-last-gate-says-what-is-missing-desktop")

    # 8. The city lists what a solution must fit; each company answers; the city hears of the answers.
    click(city, city.locator(".workspace-tabs").get_by_role("link", name="Fit table"), "City system fit")
    for category, title in (("system", "The city's alert system (SMS and the Copenhagen app)"),
                            ("data-standard", "OGC SensorThings API for sensor data"),
                            ("regulation", "GDPR: no personal data leaves the EU")):
        city.get_by_label("Category").select_option(category)
        city.get_by_label("What the solution must fit").fill(title)
        click(city, city.get_by_role("button", name="Add the item"), "The fit item is added")
    assert "6 answers are still missing." in city.locator("main").inner_text()
    shoot(city, "walk-17-city-lists-fit-items-desktop")

    walk.notified(haneul, ko("%(city)s listed what a solution must fit in “%(workspace)s”; answer for your company",
                             city="City of Copenhagen", workspace=WORKSPACE), HANEUL, "workspace_fit_items",
                  locale="ko")
    fieldsets = haneul.locator("fieldset")
    for index, (verdict, how) in enumerate((("fits", "We send warnings through the alert system's API."),
                                            ("fits", "Our gateway speaks SensorThings."),
                                            ("needs-work", "Data is stored in Seoul today; we move it to Frankfurt."))):
        fieldsets.nth(index).locator(f"input[value={verdict}]").check()
        fieldsets.nth(index).locator("textarea").fill(how)
    at_phone_width(haneul, "18-haneul-answers-the-fit-items-ko")
    click(haneul, haneul.get_by_role("button", name=ko("Save the answers")), ko("Your answers are saved (%(count)d "
                                                                               "changed).", count=3))
    walk.notified(nordvand, "answer for your company", NORDVAND, "workspace_fit_items")
    for index in range(3):
        nordvand.locator("fieldset").nth(index).get_by_label("Fits").check()
        nordvand.locator("fieldset").nth(index).get_by_label("How").fill("We install and service it locally.")
    click(nordvand, nordvand.get_by_role("button", name="Save the answers"), "Your answers are saved (3 changed).")

    walk.notified(city, "Nordvand Operations answered 3 fit items", CITY, "workspace_fit_answered")
    city.get_by_text("Every company has answered every item.").wait_for()
    table = city.locator("table.fit-table").inner_text()
    assert "we move it to Frankfurt" in table and table.count("Needs work") == 1 and table.count("Fits") == 5
    shoot(city, "walk-19-fit-table-side-by-side-desktop")
    at_phone_width(city, "19-fit-table")

    # 9. The city records its investment decision; every other member hears of it.
    click(city, city.locator(".workspace-tabs").get_by_role("link", name="Investment"), "Record the decision")
    city.get_by_label("Budget line").fill("Climate adaptation 2027–2029")
    city.get_by_label("Amount").fill("4000000")
    city.get_by_label("Currency").select_option("DKK")
    city.get_by_label("Funding source").fill("The city's climate fund and an EU LIFE grant")
    city.get_by_label("Intended procurement model").select_option("innovation-partnership")
    city.get_by_label("Approved by (name)").fill("Line Barfod")
    city.get_by_label("Approved by (role)").fill("Mayor for technical and environmental affairs")
    city.get_by_label("Approved on").fill(TODAY.isoformat())
    click(city, city.get_by_role("button", name="Save the investment decision"),
          "The investment decision is recorded.")
    facts = city.locator("dl.facts").inner_text()
    assert "Innovation partnership" in facts and "4,000,000" in facts and "Line Barfod" in facts
    shoot(city, "walk-20-investment-decision-desktop")
    walk.notified(nordvand, "City of Copenhagen recorded its decision to invest", NORDVAND, "workspace_investment")
    walk.notified(consultant, "Climate adaptation 2027–2029", NORDBRO, "workspace_investment")

    # 10. Haneul writes the requirement document, Nordvand edits it, the city agrees it.
    click(haneul, haneul.locator(".workspace-tabs").get_by_role("link", name=ko("Documents")),
          ko("Requirement documents"))
    click(haneul, haneul.get_by_role("link", name=ko("New document")), ko("New document"))
    haneul.locator("#title").fill("Flood warning requirements")
    haneul.locator("#body").fill("# Flood warning requirements\n\n- Sensors in 40 manholes of the lowest streets.\n"
                                 "- A warning reaches residents ten minutes before the water rises.\n")
    click(haneul, haneul.get_by_role("button", name=ko("Save"), exact=True), ko("The document is saved as revision 1."))
    shoot(haneul, "walk-21-haneul-writes-the-requirements-ko-desktop")

    click(nordvand, nordvand.locator(".workspace-tabs").get_by_role("link", name="Documents"),
          "Flood warning requirements")
    click(nordvand, nordvand.get_by_role("link", name="Flood warning requirements"), "Revision 1")
    click(nordvand, nordvand.get_by_role("link", name="Edit", exact=True), "You are editing revision 1.")
    nordvand.get_by_label("Text").fill(nordvand.get_by_label("Text").input_value()
                                      + "\n- Nordvand services every sensor twice a year, before spring and autumn.\n")
    click(nordvand, nordvand.get_by_role("button", name="Save", exact=True), "Saved as revision 2.")
    walk.notified(haneul, ko("%(author)s saved revision %(number)d of “%(document)s” (%(workspace)s)",
                             author="Mads Holm", number=2, document="Flood warning requirements",
                             workspace=WORKSPACE), HANEUL, "document_revised", locale="ko")
    assert "twice a year" in haneul.locator("article.document-body").inner_text()

    click(city, city.locator(".workspace-tabs").get_by_role("link", name="Documents"), "Flood warning requirements")
    click(city, city.get_by_role("link", name="Flood warning requirements"), "Agree revision 2")
    click(city, city.get_by_role("button", name="Agree revision 2"), "Revision 2 is agreed.")
    city.get_by_text("Revision 2 is agreed by Signe Berg").wait_for()
    shoot(city, "walk-22-city-agrees-the-requirements-desktop")
    walk.notified(nordvand, "Signe Berg agreed revision 2", NORDVAND, "document_agreed")
    walk.notified(haneul, ko("%(actor)s agreed revision %(number)d of “%(document)s” (%(workspace)s)",
                             actor="Signe Berg", number=2, document="Flood warning requirements",
                             workspace=WORKSPACE), HANEUL, "document_agreed", locale="ko")

    # 11. Nothing is missing; the city moves the gate to ready to tender, and every member hears of it.
    click(city, city.get_by_role("link", name=WORKSPACE), "Where the workspace stands")
    city.get_by_text("Nothing is missing: the gate is open.").wait_for()
    assert checklist(city) == []
    shoot(city, "walk-23-nothing-is-missing-desktop")
    click(city, city.get_by_role("link", name="Decide the gate to Ready to tender"), "Decide a gate")
    assert city.locator("#direction-forward").is_enabled()
    move(city, "Investment approved, fit table complete and requirements agreed: we tender this winter.",
         "Ready to tender")
    assert stage_track(city) == ["Explore", "Define", "Co-design", "Pilot", "*Ready to tender"]
    city.get_by_text("This workspace is ready to tender").wait_for()
    shoot(city, "walk-24-ready-to-tender-desktop")
    for page, email, locale in ((nordvand, NORDVAND, "en"), (consultant, NORDBRO, "en"), (haneul, HANEUL, "ko")):
        walk.notified(page, "Ready to tender" if locale == "en" else ko("Ready to tender"), email,
                      "workspace_gate_passed", locale=locale)
        page.locator(".stage-current").wait_for()
        assert page.locator(".stage-current").inner_text().endswith(
            "Ready to tender" if locale == "en" else ko("Ready to tender"))
    at_phone_width(haneul, "25-haneul-ready-to-tender-ko")
    shoot(consultant, "walk-25-facilitator-sees-ready-to-tender-desktop")

