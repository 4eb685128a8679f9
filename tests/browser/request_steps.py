"""Driving the request question pages in a browser, with or without JavaScript.

Shared by the request journey and the quality checks (their `Stop`s reach each
question page through these). Each step returns the response of the page it ends on."""
from datetime import date, timedelta

from tests.conftest import civil_id_for

PASSPORT_EXPIRY = (date.today() + timedelta(days=5 * 366)).isoformat()
SECOND_PERSON = civil_id_for(501, born="880704")


def submit(page, value: str | None = None):
    """Press a submit button of the page's main form (by value) and wait for the next page."""
    button = (page.locator(f"main button[type=submit][value='{value}']") if value
              else page.locator("main form button[type=submit]").last)
    with page.expect_navigation() as navigation:
        button.first.click()
    return navigation.value


def start_request(page):
    """From "My requests", start a new one."""
    with page.expect_navigation() as navigation:
        page.locator("main form[action$='/requests/new'] button").click()
    return navigation.value


def choose_group(page):
    page.check("input[name=service_type][value=group]")
    return submit(page)


def fill_person(page, index: int, civil_id: str, name: str, category: str):
    page.fill(f"#people-{index}-civil_id", civil_id)
    page.fill(f"#people-{index}-name", name)
    page.select_option(f"#people-{index}-category", category)
    page.fill(f"#people-{index}-passport_number", f"P{index}234567")
    page.fill(f"#people-{index}-passport_expiry", PASSPORT_EXPIRY)


def add_two_people(page):
    """Myself as a worker, and a domestic worker."""
    submit(page, "add-me")
    page.select_option("#people-0-category", "worker")
    page.fill("#people-0-passport_number", "P0234567")
    page.fill("#people-0-passport_expiry", PASSPORT_EXPIRY)
    submit(page, "add")
    fill_person(page, 1, SECOND_PERSON, "Joy Santos", "domestic_worker")


def reach_people(page):
    start_request(page)
    return choose_group(page)


def reach_people_with_errors(page):
    reach_people(page)
    return submit(page, "continue")


def reach_check(page):
    reach_people(page)
    add_two_people(page)
    submit(page, "continue")
    submit(page, "me")
    page.check("input[name=insurance_status][value=new]")
    page.select_option("#years", "2")
    return submit(page)
