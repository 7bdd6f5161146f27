"""Helpers for the tests that drive headless Chromium."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"


def axe_violations(page) -> list[str]:
    """Run axe-core on the page and return one line per violation."""
    # Through the DevTools protocol: a <script> tag with axe inline is what the site's
    # Content-Security-Policy refuses, as it should.
    session = page.context.new_cdp_session(page)
    session.send("Runtime.evaluate", {"expression": AXE_SCRIPT.read_text()})
    session.detach()
    return page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
