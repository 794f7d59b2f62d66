"""Browser journeys: Playwright drives Debian's Chromium against the platform served by
gunicorn with a Celery worker on Redis (``tests/journeys/platform.py``).

Every journey module carries ``pytestmark = JOURNEY``: PostgreSQL, Redis and Chromium
(skipped on a bare machine with the reason, required in CI). ``make test`` runs them in a
process of their own after the rest (``pytest -m browser``), so that the platform is set
up once per run. Screenshots of each journey's key
pages, and of a failing step, go to ``var/journeys/<journey>/`` (the README names it).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .platform import SHOTS, Platform, attach

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
DEMO_PASSWORD = "mutual-demo-2026"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

JOURNEY = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser]


@pytest.fixture(scope="session")
def platform(tmp_path_factory) -> Iterator[Platform]:
    """The platform served on 127.0.0.1 with the demo society, once per test run (or the
    one ``JOURNEYS_PLATFORM`` names: ``python -m tests.journeys.platform``)."""
    if os.environ.get("JOURNEYS_PLATFORM"):
        yield attach(Path(os.environ["JOURNEYS_PLATFORM"]))
        return
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        pytest.skip("the journeys serve the platform on PostgreSQL: set DATABASE_URL")
    served = Platform.start(base, tmp_path_factory.mktemp("platform"))
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser():
    """Chromium, headless, for one journey module (Playwright stopped after it, so that
    no event loop outlives the module in this test worker)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


class Journey:
    """One person's browser on the platform, with numbered screenshots of its steps.

    ``with journey.step("name"):`` runs a step; a step that fails saves
    ``NN-FAILED-name.png`` before the failure is reported. ``journey.shot("name")`` saves
    ``NN-name.png`` of the page as it is.
    """

    def __init__(self, browser, platform: Platform, folder: Path, who: str = "", *,
                 viewport=DESKTOP, language: str = "zh-hans") -> None:  # fmt: skip
        self.platform = platform
        self.folder = folder
        self.who = who
        self.context = browser.new_context(
            viewport=viewport,
            locale="zh-CN" if language == "zh-hans" else "en-US",
            extra_http_headers={"Accept-Language": language},
        )
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _next(self) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        return len(list(self.folder.glob("*.png"))) + 1

    def shot(self, name: str) -> Path:
        path = self.folder / f"{self._next():02d}-{_slug(self.who + ' ' + name)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        try:
            yield
        except BaseException:
            path = self.folder / f"{self._next():02d}-FAILED-{_slug(self.who + ' ' + name)}.png"
            # The failure itself is what matters if even the screenshot fails.
            with contextlib.suppress(Exception):
                self.page.screenshot(path=str(path), full_page=True)
            raise

    def go(self, path: str):
        """Open ``path`` of the platform; the response (asserted below 400)."""
        response = self.page.goto(self.platform.url + path)
        assert response is not None and response.status < 400, (
            f"GET {path}: {response.status if response else 'no response'}"
        )
        return response

    def sign_in(self, username: str, password: str = DEMO_PASSWORD, *,
                next_path: str = "") -> None:  # fmt: skip
        """Sign in on /accounts/login/ as a person does (the password field, then Enter)."""
        self.go("/accounts/login/" + (f"?next={next_path}" if next_path else ""))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.press("input[name=password]", "Enter")
        assert "/accounts/login/" not in self.page.url, f"{username} was not signed in"

    def sign_in_admin(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.go("/admin/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        with self.page.expect_navigation():
            self.page.press("input[name=password]", "Enter")
        assert "/login/" not in self.page.url, f"{username} was not signed in to the admin"

    def admin_action(self, changelist: str, action: str, *, search: str = "",
                     fields: dict[str, str] | None = None, rows: int = 1) -> str:  # fmt: skip
        """Run an admin action as staff do: open the change list (``search`` in its search
        box), tick the first ``rows`` rows, choose ``action``, fill the intermediate form's
        ``fields`` if the action asks for input, confirm. The success message (asserted)."""
        self.go(changelist + (f"?q={search}" if search else ""))
        boxes = self.page.locator("input[name=_selected_action]")
        assert boxes.count() >= rows, f"{changelist}?q={search}: {boxes.count()} rows"
        for index in range(rows):
            boxes.nth(index).check()
        self.page.select_option("select[name=action]", action)
        with self.page.expect_navigation():
            self.page.click("button[name=index]")
        if self.page.locator("input[name=apply]").count():
            for name, value in (fields or {}).items():
                field = self.page.locator(f"[name={name}]")
                if field.evaluate("e => e.tagName") == "SELECT":
                    field.select_option(value)
                else:
                    field.fill(value)
            with self.page.expect_navigation():
                self.page.click(".submit-row input[type=submit]")
        messages = self.page.locator(".messagelist li")
        text = " | ".join(messages.all_inner_texts())
        assert self.page.locator(".messagelist li.success").count(), (
            f"{action} on {changelist}: {text or 'no message'}"
        )
        return text

    def fill(self, fields: dict[str, str | bool]) -> None:
        """Fill form fields by name as a person does: a text box is typed into, a select
        chooses the option with that value, a radio button group clicks the button with
        that value, a checkbox is ticked (True) or cleared (False)."""
        for name, value in fields.items():
            field = self.page.locator(f'[name="{name}"]')
            kind = field.first.evaluate("e => e.tagName === 'INPUT' ? e.type : e.tagName")
            if kind == "radio":
                self.page.check(f'[name="{name}"][value="{value}"]')
            elif kind == "checkbox":
                field.set_checked(bool(value))
            elif kind == "SELECT":
                field.select_option(str(value))
            else:
                field.fill(str(value))

    def admin_add(self, model: str, fields: dict[str, str | bool]) -> int:
        """Add a row in the admin as staff do: open ``model`` + ``add/`` (``model`` is the
        change list, ``/admin/app/model/``), fill ``fields`` (see ``fill``), save. The new
        row's id (the success message's link names it; the message is asserted)."""
        self.go(model + "add/")
        self.fill(fields)
        with self.page.expect_navigation():
            self.page.click("input[name=_save]")
        success = self.page.locator(".messagelist li.success")
        assert success.count(), f"adding to {model}: " + (
            " | ".join(self.page.locator(".errornote, .errorlist").all_inner_texts())
            or "no message"
        )
        href = success.first.locator("a").first.get_attribute("href") or ""
        found = re.search(r"/(\d+)/change/", href)
        assert found, f"adding to {model}: the message links no row ({href!r})"
        return int(found.group(1))

    def text(self, selector: str = "main") -> str:
        return self.page.inner_text(selector)

    def wait_for_text(self, path: str, text: str, *, seconds: float = 90) -> str:
        """Open ``path`` again until ``text`` is on the page (work the Celery worker does
        after a commit: a publication, an e-mail); the page's text."""

        def seen() -> str:
            self.go(path)
            body = self.text("body")
            return body if text in body else ""

        return str(eventually(seen, f"{path} showing {text!r}", seconds=seconds))

    def sign_out(self) -> None:
        self.context.clear_cookies()

    def fits_width(self) -> None:
        """Nothing wider than the window: no sideways scrolling on a phone."""
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{self.page.url} is {overflow}px wider than the window"

    def close(self) -> None:
        self.context.close()


def eventually(check: Callable[[], object], what: str, *, seconds: float = 90) -> object:
    """What ``check()`` returns once it is truthy, asked every 2 s for ``seconds`` (the
    worker's work after a commit)."""
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what}: not after {seconds} s"
        time.sleep(2)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


@pytest.fixture
def journey(request, browser, platform) -> Iterator:
    """Make journeys (``journey("who")``), each a browser context, all closed after the
    test; the screenshots of this test go to var/journeys/<test name>/NN-<who>-<step>.png,
    numbered in the order they were taken."""
    folder = SHOTS / request.node.name
    shutil.rmtree(folder, ignore_errors=True)
    made: list[Journey] = []

    def make(who: str = "", **options) -> Journey:
        made.append(Journey(browser, platform, folder, who, **options))
        return made[-1]

    yield make
    for one in made:
        one.close()
