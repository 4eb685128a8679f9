"""The fee schedules page for admins: every schedule on file, the one in force marked."""


def test_fee_schedules_page(admin_desk):
    page = admin_desk.get("/desk/schedules?lang=en")
    assert page.status_code == 200
    assert page.text.count('class="desk-schedule"') == 2
    assert 'id="schedule-seed"' in page.text and 'id="schedule-decision-306-2025"' in page.text
    assert page.text.index("schedule-seed") < page.text.index("schedule-decision-306-2025")
    assert "In force" in page.text


WARNING = (
    "Health insurance fees under Ministerial Decision 306/2025 (as reported) started on "
    '<bdi class="id">23/12/2025</bdi> but is not in force'
)


def test_the_desk_warns_of_a_schedule_started_but_not_in_force(admin_desk, desk):
    # The clock stands at 10/01/2026: Decision 306/2025 took effect on 23/12/2025.
    schedules = admin_desk.get("/desk/schedules?lang=en").text
    assert WARNING in schedules and "set FEE_SCHEDULE to it and restart" in schedules
    assert WARNING in admin_desk.get("/desk/?lang=en").text
    home = desk.get("/desk/?lang=en").text  # a reviewer sees it too, without the admins' link
    assert WARNING in home and 'href="/desk/schedules"' not in home[home.index("<main") :]
    assert "بدأ سريان" in desk.get("/desk/?lang=ar").text


def test_no_warning_before_the_day_or_once_the_newer_schedule_is_in_force(app, admin_desk, clock):
    clock.at = clock.at.replace(year=2025, month=12, day=22)
    assert "not in force" not in admin_desk.get("/desk/?lang=en").text
    app.config["FEE_SCHEDULE"] = "decision-306-2025"
    clock.at = clock.at.replace(year=2026, month=1, day=10)
    assert "not in force" not in admin_desk.get("/desk/schedules?lang=en").text


def test_the_schedules_page_says_the_seed_date_is_not_known_and_marks_the_wife_line(admin_desk):
    page = admin_desk.get("/desk/schedules?lang=en").text
    seed = page[page.index('id="schedule-seed"') : page.index('id="schedule-decision-306-2025"')]
    assert "Not known: the source gives no date." in seed
    assert "the source gives no date they took effect." in seed  # what residents read
    wife = seed[seed.index("Wife joining her expatriate husband") :].split("</tr>")[0]
    assert "Secondary source" in wife and "other sources report it as 40 KWD a year" in wife
