"""Swagger UI in a real browser: every operation rendered, nothing fetched from elsewhere, Try it out works.

Usage: check_swagger_ui.py BASE_URL SPEC_JSON SCREENSHOT_PNG
Uses Debian's /usr/bin/chromium through Playwright (no `playwright install`).
"""

from __future__ import annotations

import json
import sys
import tempfile
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
TIMEOUT_MS = 20_000


def operations(spec_path: str) -> list[tuple[str, str, dict]]:
    with open(spec_path) as f:
        spec = json.load(f)
    return [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items() if m in METHODS]


def try_it_out(page: Page, op_id: str, label: str) -> str:
    """Expand one operation, press Try it out and Execute (with the prefilled example); return the shown status."""
    block = page.locator(f'.opblock[id$="-{op_id}"]')
    expect(block, f"{label} is not rendered").to_have_count(1)
    block.locator(".opblock-summary").first.click()
    block.locator("button.try-out__btn").click()
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    expect(status).to_be_visible(timeout=TIMEOUT_MS)
    return status.inner_text().strip()


def main(base: str, spec_path: str, screenshot: str) -> int:
    ops = operations(spec_path)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
    elsewhere: list[str] = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS, viewport={"width": 1280, "height": 900}
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on(
            "request",
            lambda r: None if r.url.startswith((origin + "/", "data:", "blob:")) else elsewhere.append(r.url),
        )
        page.goto(base.rstrip("/") + "/docs")
        expect(page.locator(".opblock"), "operations rendered").to_have_count(len(ops), timeout=TIMEOUT_MS)
        print(f"rendered {len(ops)} of {len(ops)} operations")

        by_path = {(m, path): op for m, path, op in ops}
        checks = [("get", "/v1/treatments"), ("post", "/v1/recommendations")]
        for method, path in checks:
            status = try_it_out(page, by_path[method, path]["operationId"], f"{method.upper()} {path}")
            print(f"Try it out {method.upper()} {path}: {status}")
            if status != "200":
                print(f"FAIL: {method.upper()} {path} showed {status}, expected 200")
                return 1
        page.screenshot(path=screenshot, full_page=True)
        browser.close()
    if elsewhere:
        print("FAIL: requests left the server's origin:", *elsewhere, sep="\n  ")
        return 1
    print(f"no request left {origin}; screenshot {screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
