"""Patient handouts in a real browser: rendered, nothing fetched from elsewhere, no serious accessibility violation.

Usage: check_handouts.py BASE_URL AXE_JS OUT_DIR
Opens the condition handout and three treatment handouts (exercises; cautions and medicines; evidence by stage) in
Debian's /usr/bin/chromium through Playwright, saves a full-page screenshot of each as OUT_DIR/handout-<page>.png and
runs axe-core (AXE_JS: .ci/node_modules/axe-core/axe.min.js, evaluated in the page) on each. Fails on any request
that leaves BASE_URL's origin, any console error (a CSP refusal means the page tried to load or run something), a
page its own stylesheet did not style, and any axe violation of impact serious or critical. Prints every page's
violation counts by impact.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from check_swagger_ui import CHROMIUM, FLAGS  # the same browser, started the same way
from playwright.sync_api import sync_playwright

PAGES = ["condition", "stretching-exercises", "nsaids", "opioids"]
IMPACTS = ["critical", "serious", "moderate", "minor"]
FAILING = {"critical", "serious"}
TIMEOUT_MS = 20_000


def main(base: str, axe_js: str, out_dir: str) -> int:
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    axe = Path(axe_js).read_text()
    elsewhere: list[str] = []
    errors: list[str] = []
    failed = False
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1000, "height": 900}
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("request", lambda r: None if r.url.startswith(origin + "/") else elsewhere.append(r.url))
        page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        for name in PAGES:
            url = f"{base.rstrip('/')}/handouts/{name}"
            response = page.goto(url)
            status = response.status if response else None
            headings = page.locator("h1").count()
            # The inline stylesheet applied (its hash matches the CSP): the text is a readable column, not full width.
            column = page.evaluate("() => getComputedStyle(document.querySelector('main')).maxWidth")
            if status != 200 or headings != 1 or column == "none":
                print(f"FAIL: {url} answered {status} with {headings} h1 headings, main max-width {column}")
                return 1
            shot = Path(out_dir) / f"handout-{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            page.evaluate(axe)  # through DevTools, so the page's CSP (no scripts at all) stays in force for the page
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            count = Counter(v["impact"] for v in result["violations"])
            counts = ", ".join(f"{impact} {count[impact]}" for impact in IMPACTS)
            print(f"{name}: {page.title()!r}; axe-core {result['testEngine']['version']} violations: {counts}; {shot}")
            for v in result["violations"]:
                print(f"  {v['impact']:8} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
                failed |= v["impact"] in FAILING
        browser.close()
    if elsewhere:
        print("FAIL: requests left the server's origin:", *elsewhere, sep="\n  ")
    if errors:
        print("FAIL: console errors:", *errors, sep="\n  ")
    if failed:
        print("FAIL: axe-core found serious or critical violations")
    if elsewhere or errors or failed:
        return 1
    print(f"{len(PAGES)} handouts: no request left {origin}, no console error, no serious or critical axe violation")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
