"""The fee schedules page for admins: every schedule on file, the one in force marked."""


def test_fee_schedules_page(admin_desk):
    page = admin_desk.get("/desk/schedules?lang=en")
    assert page.status_code == 200
    assert page.text.count('class="desk-schedule"') == 2
    assert 'id="schedule-seed"' in page.text and 'id="schedule-decision-306-2025"' in page.text
    assert page.text.index("schedule-seed") < page.text.index("schedule-decision-306-2025")
    assert "In force" in page.text
