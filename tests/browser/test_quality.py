"""Issue 9's quality bar on every page of the journey, in Arabic and English:
accessibility (axe-core), no CSP violations, valid HTML (vnu), page weight, slow network.

The pages come from quality.JOURNEY plus what quality.survey finds linked from them.
Figures are written to test-output/quality/ as well as asserted.
"""

import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser import quality as q
from tests.browser.steps import ROOT, Screenshots

REPORTS = ROOT / "test-output" / "quality"
TOTAL = "#quote-region output[data-total-fils]"


def report(name: str, lines: list[str]) -> None:
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join([f"--- {name}", *lines]))


@pytest.fixture(scope="module")
def site(live_server):
    site = q.survey(live_server)
    report(
        "pages",
        [f"{stop.name}{' (signed in)' if stop.signed_in else ''}" for stop in site.stops] + site.notes,
    )
    return site


@pytest.fixture(scope="module", params=q.LANGUAGES)
def lang(request):
    return request.param


@pytest.fixture(scope="module")
def tour(browser, site, lang):
    """Every stop in turn in one CSP-enforcing context, after a first visit to the start
    page: what a later page costs once the assets are cached."""
    context = q.open_context(browser, lang)
    page = context.new_page()
    page.shots = Screenshots(f"quality-{lang}")
    csp = q.listen_for_csp(page)
    transfer = q.Transfer(page)
    q.visit(page, site, q.JOURNEY[0], lang)
    transfer.settle()
    visits = {}
    for stop in site.stops:
        transfer.reset()
        response = q.visit(page, site, stop, lang)
        transfer.settle()
        visits[stop.name] = {
            "status": response.status if response else None,
            "bytes": transfer.final_page(empty_cache=False),
            "csp": list(csp),
            "resources": q.resource_problems(transfer.entries(), site.url),
        }
        csp.clear()
        page.shots.take(page, q.slug(stop.name))
    context.close()
    return visits


@pytest.fixture(scope="module")
def first_visits(browser, site, lang):
    """Each stop in a fresh context with an empty cache."""
    visits = {}
    for stop in site.stops:
        context = q.open_context(browser, lang)
        page = context.new_page()
        csp = q.listen_for_csp(page)
        transfer = q.Transfer(page)
        q.visit(page, site, stop, lang)
        transfer.settle()
        visits[stop.name] = {
            "bytes": transfer.final_page(empty_cache=True),
            "csp": csp,
            "resources": q.resource_problems(transfer.entries(), site.url),
        }
        context.close()
    return visits


def test_pages_answer_as_listed(site, tour, lang):
    wrong = [
        f"{stop.name} [{lang}]: {tour[stop.name]['status']}, expected {stop.status}"
        for stop in site.stops
        if tour[stop.name]["status"] != stop.status
    ]
    assert not wrong, "\n".join(wrong)


def test_no_serious_accessibility_problems(browser, site, lang):
    # Only this context bypasses the CSP: it is how axe-core gets into the page.
    context = q.open_context(browser, lang, bypass_csp=True)
    page = context.new_page()
    problems, minor = [], []
    for stop in site.stops:
        q.visit(page, site, stop, lang)
        where = f"{stop.name} [{lang}]"
        for violation in q.run_axe(page):
            if q.is_serious(violation):
                problems.append(q.describe_violation(where, violation))
            else:
                minor.append(f"{where}: {violation['impact']} {violation['id']}: {violation['help']}")
    context.close()
    report(f"axe-{lang}", problems + minor or ["no violations"])
    assert not problems, "axe-core found serious or critical problems:\n" + "\n".join(problems)


def test_no_content_security_policy_violations(tour, first_visits, lang):
    reports = [
        f"{name} [{lang}]: {text}"
        for visits in (first_visits, tour)
        for name, visit in visits.items()
        for text in visit["csp"]
    ]
    assert not reports, "\n".join(reports)


def test_only_own_resources_no_fonts_small_images(tour, first_visits, lang):
    problems = {
        f"{name} [{lang}]: {problem}"
        for visits in (first_visits, tour)
        for name, visit in visits.items()
        for problem in visit["resources"]
    }
    assert not problems, "\n".join(sorted(problems))


def test_page_weight(site, tour, first_visits, lang):
    lines, over = [f"{'page':<40} {'first visit':>12} {'later':>8}"], []
    for stop in site.stops:
        first, later = first_visits[stop.name]["bytes"], tour[stop.name]["bytes"]
        lines.append(f"{stop.name:<40} {first:>10} B {later:>6} B")
        budget = q.FIRST_VISIT_BUDGETS.get(stop.name, q.FIRST_VISIT_BYTES)
        if first > budget:
            over.append(f"{stop.name} [{lang}]: first visit {first} B > {budget} B")
        later_budget = q.LATER_PAGE_BUDGETS.get(stop.name, q.LATER_PAGE_BYTES)
        if later > later_budget:
            over.append(f"{stop.name} [{lang}]: later page {later} B > {later_budget} B")
    report(f"weight-{lang}", lines)
    assert not over, "\n".join(over)


def test_quote_partial_weight(browser, live_server, lang):
    context = q.open_context(browser, lang)
    page = context.new_page()
    csp = q.listen_for_csp(page)
    page.goto(live_server.url + q.with_lang(q.TWO_PEOPLE, lang))
    transfer = q.Transfer(page)
    page.select_option("#people-1-category", "student")
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "200000")
    transfer.settle()
    quotes = [e for e in transfer.entries() if "/quote?" in e["url"]]
    context.close()
    assert len(quotes) == 1, transfer.entries()
    report(f"quote-partial-{lang}", [f"quote partial, two people: {quotes[0]['bytes']} B"])
    assert quotes[0]["bytes"] <= q.QUOTE_PARTIAL_BYTES
    assert not csp, csp


def test_html_is_valid(browser, site, tmp_path):
    """What the server sends, without JavaScript, both languages, through one vnu run."""
    if q.vnu_jar() is None or not q.vnu_jar().exists():
        pytest.fail("vnu.jar is missing: `make test` installs it under .cache/vnu/")
    documents = {}
    for lang in q.LANGUAGES:
        context = q.open_context(browser, lang, js=False)
        page = context.new_page()
        page.shots = Screenshots(f"quality-{lang}-no-js")
        for stop in site.stops:
            documents[f"{stop.name} [{lang}]"] = q.visit(page, site, stop, lang).text()
            page.shots.take(page, q.slug(stop.name))
        context.close()
        for fragment in q.FRAGMENTS:
            request = urllib.request.Request(
                site.url + q.with_lang(fragment.path, lang), headers={"HX-Request": "true"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                documents[f"{fragment.name} [{lang}]"] = q.wrap_fragment(response.read().decode(), lang)
    errors = q.validate_html(documents, tmp_path / "html")
    assert not errors, f"vnu found {len(errors)} errors:\n" + "\n".join(errors)


def test_start_page_usable_on_slow_network(browser, live_server, lang):
    context = q.open_context(browser, lang)
    page = context.new_page()
    q.Transfer(page).throttle(q.SLOW_3G)
    started = time.monotonic()
    page.goto(live_server.url + q.with_lang("/", lang), wait_until="domcontentloaded")
    expect(page.locator("main h1")).to_be_visible()
    usable = time.monotonic() - started
    loaded = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
    page.wait_for_load_state("load")
    Screenshots(f"quality-{lang}-slow").take(page, "start")
    context.close()
    report(
        f"slow-start-{lang}",
        [
            f"start page usable (heading visible) after {usable:.2f} s, "
            f"DOMContentLoaded at {loaded['domContentLoadedEventEnd'] / 1000:.2f} s"
        ],
    )
    assert usable <= q.START_PAGE_USABLE_SECONDS


def test_quote_change_on_slow_network(browser, live_server, lang):
    context = q.open_context(browser, lang)
    page = context.new_page()
    q.Transfer(page).throttle(q.SLOW_3G)
    page.goto(live_server.url + q.with_lang("/fees", lang))
    started = time.monotonic()
    page.select_option("#people-0-category", "worker")
    expect(page.locator(TOTAL)).to_have_attribute("data-total-fils", "50000")
    shown = time.monotonic() - started
    Screenshots(f"quality-{lang}-slow").take(page, "quote-changed")
    context.close()
    report(f"slow-quote-{lang}", [f"quote change shown after {shown:.2f} s"])
    assert shown <= q.QUOTE_CHANGE_SECONDS
