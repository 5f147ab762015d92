"""The browser the end-to-end tests drive, and the accessibility audit they run on every page."""

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def _playwright():
    try:
        from playwright import sync_api as playwright_api
    except ImportError:
        pytest.fail("The browser tests need playwright (make test installs the dev dependencies).")
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail("The browser test needs Debian's chromium and axe-core (make test installs both).")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    with playwright_api.sync_playwright() as playwright:
        yield playwright


def _chromium(playwright, **options):
    """A headless Chromium with a fresh profile, as STACK.md says it runs here."""
    profile = tempfile.TemporaryDirectory()
    context = playwright.chromium.launch_persistent_context(
        profile.name,
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
        locale="kk-KZ",
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # lets the audit inject axe-core; the pages themselves run under the CSP
        **options,
    )
    # axe-core in every page before its own scripts: Chromium keeps the compiled script, where adding it to each
    # page audited took ~80–160 ms (its 550 kB sent and compiled again).
    context.add_init_script(path=str(AXE))
    return context, profile


@pytest.fixture(scope="session")
def browser(_playwright):
    context, profile = _chromium(_playwright)
    yield context
    context.close()
    profile.cleanup()


@pytest.fixture
def browser_without_javascript(_playwright):
    """A browser with JavaScript off: what the portal's pages must work in too."""
    context, profile = _chromium(_playwright, java_script_enabled=False)
    yield context
    context.close()
    profile.cleanup()


def audit(page, name: str) -> None:
    """Screenshot the page and fail on any serious or critical accessibility violation."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if not page.evaluate("() => typeof window.axe === 'object'"):  # a page without JavaScript runs no init script
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, f"{name}: " + "; ".join(serious)


def empty_labels(page) -> list[str]:
    """The labels a phone shows with nothing after them: a table's cells stacked under their headings (`data-label`),
    which hide when empty (`td:empty`) — and which a cell of mere whitespace keeps in view."""
    return page.evaluate(
        """() => [...document.querySelectorAll('td[data-label]')]
            .filter((td) => getComputedStyle(td).display === 'block' && !td.textContent.trim()
                && !td.querySelector('img, svg, input, select, button'))
            .map((td) => td.dataset.label)"""
    )
