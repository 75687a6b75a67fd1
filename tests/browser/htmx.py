"""Waiting for HTMX in browser tests.

`expect_response` returns when the response arrives, before HTMX swaps it in, and
`wait_for_load_state("networkidle")` returns at once on a page that went idle long ago; a test
that acts again at that moment acts on the old element, whose own response is then swapped into a
node no longer on the page. So wait until the element that posted is gone (swapped out) or HTMX
has settled."""

from __future__ import annotations

import time
from typing import Any


def choose_and_swap(page: Any, selector: str, value: str, url_part: str) -> None:
    """Pick an option in a select whose form posts on change (hx-trigger="change") and swaps in a
    fresh copy of the region; return once the fresh copy is on the page."""
    element = page.locator(selector).element_handle()
    with page.expect_response(lambda r: url_part in r.url and r.request.method == "POST") as info:
        element.select_option(value)
    assert info.value.ok, info.value.status
    wait_until(
        page,
        "el => !el.isConnected && !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')",
        arg=element,
    )


def wait_until(page: Any, predicate: str, arg: Any = None, timeout: float = 30.0) -> None:
    """Poll a JavaScript predicate until it is true: Playwright's `wait_for_function` compiles its
    predicate with `new Function` in the page, which the Content-Security-Policy (no 'unsafe-eval')
    refuses; `evaluate` goes through the DevTools protocol, which the policy does not cover."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {predicate}")
        page.wait_for_timeout(50)
