"""Every page, every persona, desktop and phone: axe-core (WCAG 2.1 A and AA) finds nothing (issue 18).

The pages come from the URL resolver (tests/browser/axe_pages.py): a pattern that is neither
scanned nor excluded for a checked reason fails the test. Each persona gets one browser context
that visits every page it may open (status 200) at the phone's size (390×844), opens every fold-out
(<details>, so the plan tree's nodes load their children) and dialog and runs axe; then the same
page is widened to the desktop's size (1366×900, as a window is; the charts redraw on resize) and
axe runs again, so each page loads once for both sizes. At the phone's width the same pass checks
that the page does not scroll sideways and that every tap target in <main> is at least 24×24 px or
keeps the WCAG 2.2 spacing exception (a 24 px circle on its centre touches no other target or
another small target's circle).

axe-core is vendored from npm (package.json, `make vendor`) into luoshi/web/static/vendor/axe/ and
only ever injected here, never served by a page. The pages' Content-Security-Policy allows no
inline script, so the scanning contexts bypass it (`bypass_csp`) to take the injected tag.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.browser.axe_pages import EXCLUDED, PAGES, AxeWorld, check_exclusion, stale, uncovered
from tests.browser.conftest import TIMEOUT_MS
from tests.browser.htmx import wait_until
from tests.helpers import PERSONAS, client_for

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "luoshi" / "web" / "static" / "vendor" / "axe" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Open every fold-out and dialog; true once nothing is left closed and HTMX is idle (the tree's
# nodes load their children when opened, and those have fold-outs of their own).
OPEN_ALL = """() => {
  let opened = 0;
  for (const d of document.querySelectorAll('details:not([open])')) { d.open = true; opened++; }
  for (const d of document.querySelectorAll('dialog:not([open])')) { d.show(); opened++; }
  return opened === 0 && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling');
}"""

RUN_AXE = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
    nodes: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""

# The first element Tab reaches must be the skip link to the main content.
FIRST_TAB_STOP = """() => {
  const el = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]')]
    .find(e => e.tabIndex >= 0 && !e.disabled && getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none');
  return el && el.getAttribute('href') === '#main' && document.getElementById('main') ? null : (el ? el.outerHTML.slice(0, 80) : 'nothing');
}"""

NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

SIDEWAYS = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"

# Tap targets in <main> smaller than 24×24 px without the spacing exception (WCAG 2.2, 2.5.8):
# a 24 px circle centred on the small target must not meet another target, nor the circle of
# another small target.
SMALL_TARGETS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], label[for], label:has(input)';
  const main = document.querySelector('main');
  if (!main) return [];
  const shown = el => { const s = getComputedStyle(el); return s.visibility !== 'hidden' && s.display !== 'none'; };
  const all = [...main.querySelectorAll(sel)].filter(shown).map(el => ({el, r: el.getBoundingClientRect()}))
    .filter(t => t.r.width > 1 && t.r.height > 1);  // a visually hidden label is no target
  // A label and the control it names are one target; so is a control inside its own label.
  const skip = new Set();
  for (const t of all) if (t.el.tagName === 'LABEL') { const c = t.el.control; if (c) skip.add(c); }
  const targets = all.filter(t => !skip.has(t.el));
  const small = targets.filter(t => t.r.width < 23.5 || t.r.height < 23.5);
  const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
  const distToRect = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
  const bad = [];
  for (const s of small) {
    const c = centre(s.r);
    const clash = targets.find(t => t !== s && !t.el.contains(s.el) && !s.el.contains(t.el) && (
      distToRect(c, t.r) < 12 || (small.includes(t) && Math.hypot(c[0] - centre(t.r)[0], c[1] - centre(t.r)[1]) < 24)));
    if (clash) {
      const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      bad.push(`${name(s.el)} "${(s.el.textContent || s.el.value || '').trim().slice(0, 16)}" ${Math.round(s.r.width)}×${Math.round(s.r.height)} near ${name(clash.el)}`);
    }
  }
  return bad;
}"""


def _open_everything(page: Any) -> None:
    wait_until(page, OPEN_ALL, timeout=15)
    # Twice in a row: a node opened in the last round may have started its request just now.
    page.wait_for_timeout(30)
    wait_until(page, OPEN_ALL, timeout=15)


def _scan(
    page: Any, who: str, viewport: dict[str, int], url: str, found: dict[str, list[str]], spent: Counter[str]
) -> None:
    where = f"{who} {viewport['width']}×{viewport['height']} {url}"
    t0 = time.monotonic()
    _open_everything(page)
    t1 = time.monotonic()
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    for v in page.evaluate(RUN_AXE, TAGS):
        found[v["id"]].extend(f"{where}: {node}" for node in v["nodes"])
    t2 = time.monotonic()
    first = page.evaluate(FIRST_TAB_STOP)
    if first:
        found["shell:skip-link-first"].append(f"{where}: first tab stop is {first}")
    spent["open"] += t1 - t0
    spent["axe"] += t2 - t1
    spent[f"axe {url}"] += t2 - t1
    if viewport is PHONE:
        over = page.evaluate(SIDEWAYS)
        if over > 0:
            found["phone:sideways-scroll"].append(f"{where}: {over} px wider than the screen")
        small = page.evaluate(SMALL_TARGETS)
        if small:
            found["phone:target-size"].extend(f"{where}: {t}" for t in small)


def test_the_inventory_covers_every_page(p: Any) -> None:
    """Every URL pattern is scanned or excluded for a reason that holds, and every scanned page
    opens (200) for at least one persona with the seeded objects."""
    missing, gone = uncovered(), stale()
    assert not missing, (
        "URL patterns neither scanned nor excluded (add to tests/browser/axe_pages.py):\n"
        + "\n".join(missing)
    )
    assert not gone, f"names in the inventory that the resolver no longer has: {gone}"
    w = AxeWorld(p)
    officer = client_for(p.officer)
    wrong = [f"{name}: {bad}" for name in EXCLUDED if (bad := check_exclusion(officer, name, w))]
    assert not wrong, "exclusions that are not what their reason says:\n" + "\n".join(wrong)
    clients = {who: client_for(getattr(p, who, None)) for who in PERSONAS if who != "officer"}
    clients = {"officer": officer, **clients, "secadmin": client_for(_secadmin(p))}
    unopened = []
    for name, paths in PAGES.items():
        for url in paths(w):
            if not any(c.get(url).status_code == 200 for c in clients.values()):
                unopened.append(f"{name} {url}")
    assert not unopened, f"pages no persona can open (fix the seeded objects): {unopened}"


def _secadmin(p: Any) -> Any:
    """The security administrator (三权分立): the one duty whose pages no persona of the table opens."""
    from luoshi.org.models import Role
    from tests.factories import make_user

    return make_user("secadmin", unit=p.district, role=Role.SECADMIN, name="安全员")


# One test per persona, so the parallel workers share the scans; each page is loaded once, at the
# phone's size, and scanned at both sizes.
@pytest.mark.parametrize("who", [*PERSONAS, "secadmin"])
def test_every_page_passes_axe(p: Any, browser: Any, live_url: str, login: Any, who: str) -> None:
    started = time.monotonic()
    w = AxeWorld(p)
    user = _secadmin(p) if who == "secadmin" else getattr(p, who, None)
    # The persona's pages, asked in process first (a few ms each): a page refused or sent to the
    # sign-in page would cost the browser a whole page load to find out, ~0.3 s for each of the ~200
    # addresses (the anonymous visitor spent 79 s mostly on redirects to sign-in). The browser still
    # checks each page it opens for 200 at the address it asked.
    client = client_for(user)
    addresses = [(name, url) for name, paths in PAGES.items() for url in paths(w)]
    pages = [(name, url) for name, url in addresses if client.get(url).status_code == 200]
    found: dict[str, list[str]] = defaultdict(list)
    errors: list[str] = []
    scans = 0
    spent: Counter[str] = Counter()
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE, bypass_csp=True)
    context.set_default_timeout(TIMEOUT_MS)

    def both_sizes(url: str) -> None:
        _scan(page, who, PHONE, url, found, spent)
        page.set_viewport_size(DESKTOP)
        page.evaluate(NEXT_FRAMES)  # the resize handlers (charts) have run
        _scan(page, who, DESKTOP, url, found, spent)

    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(f"{who} {page.url}: {exc}"))
        if who != "anonymous":
            login(page, who)
        for _name, url in pages:
            page.set_viewport_size(PHONE)
            t0 = time.monotonic()
            response = page.goto(url, wait_until="domcontentloaded")
            spent["goto"] += time.monotonic() - t0
            if response is None or response.status != 200 or page.url != live_url + url:
                continue  # not this persona's page (refused, hidden, or sent to log in)
            both_sizes(url)
            scans += 1
        # The error page a refused or mistyped address shows.
        page.set_viewport_size(PHONE)
        page.goto("/no-such-page/")
        both_sizes("/no-such-page/")
        scans += 1
    finally:
        context.close()
    counts = Counter({rule: len(nodes) for rule, nodes in found.items()})
    print(
        f"\naxe {who}: {scans} pages of {len(addresses)} addresses, each at 390 and 1366, in "
        f"{time.monotonic() - started:.0f} s; violations by rule: {dict(counts) or 'none'}; seconds spent: "
        + ", ".join(f"{k} {v:.0f}" for k, v in spent.items() if " " not in k)
        + "; slowest: "
        + ", ".join([f"{k[4:]} {v:.1f}" for k, v in spent.most_common() if " " in k][:8])
    )
    assert not errors, "page errors:\n" + "\n".join(errors[:30])
    report = [
        f"{rule} ({len(nodes)}):\n  " + "\n  ".join(nodes[:40]) for rule, nodes in sorted(found.items())
    ]
    assert not found, "accessibility failures:\n" + "\n".join(report)


def test_phone_menu_by_keyboard(p: Any, browser: Any, live_url: str, login: Any) -> None:
    """At 390×844: Tab reaches the skip link, then the menu button (a 44 px target); Enter opens
    the menu, whose links then take focus; Escape folds it and gives focus back to the button."""
    context = browser.new_context(base_url=live_url, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, "officer")
        page.goto("/work/tasks/")
        menu = page.locator("#site-nav")
        assert not menu.is_visible()  # folded on a phone
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "() => [document.activeElement.getAttribute('href'), document.activeElement.textContent.trim()]"
        )
        assert skip == ["#main", "跳到主要内容"], skip
        for _ in range(5):  # past the brand link to the menu button
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.classList.contains('nav-toggle')"):
                break
        button = page.locator("button.nav-toggle")
        assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")
        assert button.get_attribute("aria-expanded") == "false"
        assert button.get_attribute("aria-controls") == "site-nav"
        box = button.bounding_box()
        assert box and box["width"] >= 44 and box["height"] >= 44, box
        outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", outline  # focus is visible
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert menu.is_visible()
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.closest('#site-nav') && document.activeElement.textContent.trim()"
        )
        assert focused, "Tab after opening the menu does not reach its links"
        links = menu.locator("a")
        assert links.count() >= 5
        for i in range(links.count()):
            link_box = links.nth(i).bounding_box()
            assert link_box and link_box["height"] >= 44, (i, link_box)
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
        assert page.evaluate("() => document.activeElement.classList.contains('nav-toggle')")
        # On the desktop the menu is always shown and the button is not.
        page.set_viewport_size(DESKTOP)
        assert menu.is_visible() and not button.is_visible()
    finally:
        context.close()
