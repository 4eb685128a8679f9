"""Issue 16 on a 360×740 phone, in Arabic and English: identifiers never break across
lines, every control is a 44 px target, the header is one line, the sandbox strip is thin,
"Start now" is above the fold and the back link's arrow points backwards.

Sizes are measured in the page (getClientRects, getBoundingClientRect), as laid out by
chromium with the real stylesheet. Page.wait_for_function is not used: its string form
is an eval that the CSP forbids.
"""

import pytest

from bench.harness import create_account
from tests.browser import steps

LANGS = ["ar", "en"]
LOCALES = {"ar": "ar-KW", "en": "en-GB"}
FOLD = steps.PHONE["height"]

# Each .id element on one line: exactly one box. Hidden ones (a folded <details>) have none.
SPLIT_IDENTIFIERS = """() => [...document.querySelectorAll('.id')]
  .filter(e => e.getClientRects().length > 1)
  .map(e => e.textContent.trim() + ' (' + e.getClientRects().length + ' lines)')"""

# Every visible control and the box a finger can hit: a radio or checkbox counts with its
# label. A link inside running text (a sentence around it) is exempt, as in WCAG 2.5.8.
SMALL_TARGETS = """() => {
  const shown = e => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && !e.closest('.skip-link');
  };
  const ownText = e => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll('a, button, .visually-hidden').forEach(c => c.remove());
    return copy.textContent.replace(/[\\s·:,|–-]+/g, '');
  };
  const inText = a => !a.closest('nav, td, th, dd, .button-row') && ownText(a.parentElement) !== '';
  const small = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  for (const control of document.querySelectorAll(controls)) {
    const choice = control.matches('input[type=radio], input[type=checkbox]');
    const target = choice ? (control.closest('label') || control) : control;
    if (!shown(target) || (control.matches('a') && inText(control))) continue;
    const box = target.getBoundingClientRect();
    const name = (target.textContent || control.name || control.id).trim().slice(0, 40);
    if (box.width < 43.5 || box.height < 43.5) {
      small.push(`${name}: ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    if (choice) {
      const own = control.getBoundingClientRect();
      if (own.width < 23.5 || own.height < 23.5) {
        small.push(`${name} (the control): ${Math.round(own.width)}x${Math.round(own.height)}`);
      }
    }
  }
  return small;
}"""

HEADER = """() => {
  // What shows: not a folded menu's links, nor the wide screen's copy of them.
  const shown = '.site-header .brand, .site-nav a, .site-nav button, .site-nav summary';
  const items = [...document.querySelectorAll(shown)]
    .filter(e => e.checkVisibility());
  const strip = document.querySelector('.banner-sandbox');
  return {tops: items.map(e => Math.round(e.getBoundingClientRect().top)),
          strip: strip ? strip.getBoundingClientRect().height : null,
          width: document.documentElement.scrollWidth,
          // A wide table may scroll in its own box, if the keyboard can get there too.
          tables: [...document.querySelectorAll('.table-scroll')].filter(s => s.scrollWidth > s.clientWidth
            && !s.matches('[tabindex]') && !s.querySelector('a[href], button, input, select')).length};
}"""


@pytest.fixture(scope="module")
def applicant(live_server):
    civil_id, _ = create_account(f"sqlite:///{live_server.database}", serial=360)
    return civil_id


def _signed_in(new_page, live_server, applicant, lang):
    page = new_page(locale=LOCALES[lang])
    steps.log_in(page, live_server.url, applicant, lang)
    return page


def _check_page(page, base, lang):
    reference = steps.request_at_check(page.context.request, base)
    page.goto(f"{base}/requests/{reference}/check?lang={lang}")


def _receipt(page, base, lang):
    page.goto(steps.in_language(steps.receipt_page(page.context.request, base), lang))


def _desk(path):
    act = steps.desk_page(path)

    def reach(page, base, lang):
        page.goto(f"{base}/healthz?lang={lang}")
        act(page)

    return reach


RESIDENT_PAGES = {"check": _check_page, "receipt": _receipt}
DESK_PAGES = {
    "desk-request": _desk(lambda desk: f"/desk/requests/{desk.reference}"),
    "desk-refund": _desk(lambda desk: f"/desk/refunds/{desk.refund_id}"),
    "desk-refunds": _desk("/desk/refunds"),
    "desk-search": _desk(lambda desk: f"/desk/payments?q={desk.reference}"),
    "desk-schedules": _desk("/desk/schedules"),
    "desk-claims": _desk("/desk/claims"),
    "desk-home": _desk("/desk/"),
}

# Each search result's status and amount inside the screen's width: no sideways scroll to read them.
RESULT_CELLS_OUTSIDE = """() => [...document.querySelectorAll('.table-cards td')]
  .filter(td => { const r = td.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })
  .map(td => td.dataset.label + ': ' + td.textContent.trim())"""


def assert_fits_a_phone(page, one_line_header: bool = True) -> None:
    problems = [f"split: {text}" for text in page.evaluate(SPLIT_IDENTIFIERS)]
    problems += [f"small target: {text}" for text in page.evaluate(SMALL_TARGETS)]
    header = page.evaluate(HEADER)
    if header["width"] > steps.PHONE["width"]:
        problems.append(f"the page scrolls sideways: {header['width']} px wide")
    if header["tables"]:
        problems.append(f"{header['tables']} table(s) scroll sideways out of the keyboard's reach")
    if one_line_header and max(header["tops"]) - min(header["tops"]) > 4:
        problems.append(f"the header takes more than one line: tops {header['tops']}")
    if header["strip"] is not None and header["strip"] > 40:
        problems.append(f"the sandbox strip is {header['strip']} px tall")
    assert not problems, "\n".join([page.url, *problems])


@pytest.mark.parametrize("lang", LANGS)
def test_the_start_page_shows_start_now_above_the_fold(live_server, new_page, lang):
    page = new_page(locale=LOCALES[lang])
    page.goto(f"{live_server.url}/?lang={lang}")
    page.shots.take(page, f"start-{lang}")
    assert_fits_a_phone(page)
    start = page.get_by_role("button", name="ابدأ الآن" if lang == "ar" else "Start now")
    assert start.bounding_box()["y"] + start.bounding_box()["height"] <= FOLD


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("where", list(RESIDENT_PAGES))
def test_resident_pages_fit_a_phone(live_server, new_page, applicant, lang, where):
    page = _signed_in(new_page, live_server, applicant, lang)
    RESIDENT_PAGES[where](page, live_server.url, lang)
    page.shots.take(page, f"{where}-{lang}")
    assert page.locator(".id").count() >= 2  # the reference and a civil ID at least
    assert_fits_a_phone(page)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("where", list(DESK_PAGES))
def test_desk_pages_fit_a_phone(live_server, new_page, lang, where):
    """The desk's admin menu is longer than a phone's width: it folds into a menu, and the
    header stays one line."""
    page = new_page(locale=LOCALES[lang])
    DESK_PAGES[where](page, live_server.url, lang)
    page.shots.take(page, f"{where}-{lang}")
    if where not in ("desk-claims", "desk-home"):
        assert page.locator(".id").count() >= 1
    assert_fits_a_phone(page)
    assert page.evaluate(RESULT_CELLS_OUTSIDE) == []


@pytest.mark.parametrize("js", [True, False])
@pytest.mark.parametrize("lang", LANGS)
def test_the_desk_menu_opens_on_a_phone_without_javascript(live_server, new_page, lang, js):
    page = new_page(js=js, locale=LOCALES[lang])
    _desk(lambda desk: f"/desk/payments?q={desk.reference}")(page, live_server.url, lang)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 48
    assert_fits_a_phone(page)
    page.locator(".desk-menu summary").click()
    links = page.locator(".desk-menu-links a, .desk-menu-links button")
    assert links.count() == 8 and links.first.is_visible()
    page.shots.take(page, f"desk-menu-{lang}")
    for link in links.all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44 and 0 <= box["x"]
        assert box["x"] + box["width"] <= steps.PHONE["width"]
    # The results as cards: status and amount on the screen, no table to scroll.
    status = page.locator(".table-cards td[data-label]").nth(2).bounding_box()
    amount = page.locator(".table-cards td.num").first.bounding_box()
    for box in (status, amount):
        assert 0 <= box["x"] and box["x"] + box["width"] <= steps.PHONE["width"]


@pytest.mark.parametrize("lang, arrow, side", [("ar", "\u2192", "right"), ("en", "\u2190", "left")])
def test_the_back_arrow_points_backwards(live_server, new_page, applicant, lang, arrow, side):
    page = _signed_in(new_page, live_server, applicant, lang)
    _check_page(page, live_server.url, lang)
    back = page.locator(".back-link").first
    content = back.evaluate("e => getComputedStyle(e, '::before').content")
    assert content.startswith(f'"{arrow}')
    # The arrow leads the link: on its right in Arabic, on its left in English. A range
    # over the link's text alone leaves the ::before outside it, on the arrow's side.
    gap = back.evaluate("""e => {
      const range = document.createRange(); range.selectNodeContents(e);
      const text = range.getBoundingClientRect(), link = e.getBoundingClientRect();
      return {left: text.left - link.left, right: link.right - text.right};
    }""")
    assert gap[side] > 8 and gap["left" if side == "right" else "right"] < 2


@pytest.mark.parametrize("lang", LANGS)
def test_the_fee_box_is_one_line_and_never_covers_the_field_in_use(live_server, new_page, applicant, lang):
    page = _signed_in(new_page, live_server, applicant, lang)
    reference = steps.request_at_check(page.context.request, live_server.url)
    page.goto(f"{live_server.url}/requests/{reference}/people?lang={lang}")
    total = page.locator(".quote-sticky .quote-total").bounding_box()
    details = page.locator(".quote-sticky summary").bounding_box()
    assert abs((total["y"] + total["height"] / 2) - (details["y"] + details["height"] / 2)) < 4
    assert page.locator(".quote-sticky").bounding_box()["height"] <= 56
    page.shots.take(page, f"people-{lang}")
    # Through every field with the keyboard, as a person fills the form in.
    covered = []
    for _ in range(30):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => {
          const field = document.activeElement, box = document.querySelector('.quote-sticky');
          if (!field.matches('input, select') || box.contains(field)) return null;
          return [field.id, field.getBoundingClientRect().bottom, box.getBoundingClientRect().top];
        }""")
        if where and where[1] > where[2]:
            covered.append(where)
    assert covered == []
