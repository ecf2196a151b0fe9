"""On a phone-sized page in headless Chromium: an inspector fills a checklist line by line — a save that fails
(network dropped, then a server error) keeps what was typed, in the page and across a reload — submits and
signs; the second inspector confirms with their own login and closes; the published result is on the portal."""

from __future__ import annotations

import re
from typing import Any

import pytest

from weijian.core.tests.browser_login import sign_in
from weijian.inspections import services
from weijian.inspections.tests.conftest import Field

PASSWORD = "correct-horse-9"
PHONE = {"width": 390, "height": 844}
NOTE = "未见母婴保健技术执业许可证"


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username, PASSWORD)  # password, then the authenticator's code


def _sign_and_confirm(page: Any) -> None:
    canvas = page.locator("canvas.signature-pad")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 30 + (step % 2) * 40)
    page.mouse.up()
    with page.expect_navigation():
        page.get_by_role("button", name="确认", exact=True).click()


def _save(form: Any) -> None:
    form.get_by_role("button", name="保存本项").click()
    form.locator(".line-state", has_text="已保存").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inspector_fills_the_checklist_on_a_phone_and_the_team_closes_it(
    live_server: Any, browser_page: Any, field: Field, test_output: Any
) -> None:
    inspection = field.create()
    page = browser_page
    page.set_viewport_size(PHONE)
    base = live_server.url
    _login(page, base, "wang")
    page.goto(f"{base}/inspections/")
    page.locator(".task-link", has_text=field.a1.name).click()
    page.wait_for_url(re.compile(rf"/inspections/{inspection.pk}/$"))
    forms = page.locator("form.line-form")
    assert forms.count() == 4
    first = forms.nth(0)
    assert first.locator("label.choice").first.bounding_box()["height"] >= 44, "tap targets of at least 44 px"

    page.route("**/finding/", lambda route: route.abort())  # the network drops
    first.locator("label.choice-noncompliant").click()
    first.locator("textarea[name=note]").fill(NOTE)
    first.get_by_role("button", name="保存本项").click()
    error = first.locator(".line-error")
    error.wait_for(state="visible")
    assert "网络不通" in error.inner_text() and first.locator("textarea[name=note]").input_value() == NOTE
    page.unroute("**/finding/")
    page.route("**/finding/", lambda route: route.fulfill(status=500, body="server error"))  # the server fails
    first.get_by_role("button", name="保存本项").click()
    first.locator(".line-error", has_text="500").wait_for()
    page.unroute("**/finding/")
    assert not inspection.findings.exclude(outcome="").exists(), "nothing reached the server"

    page.reload()  # what was typed comes back from the browser's storage
    first = page.locator("form.line-form").nth(0)
    assert first.locator("textarea[name=note]").input_value() == NOTE
    assert first.locator("input[value=noncompliant]").is_checked()
    assert "已恢复" in first.locator(".line-state").inner_text()
    page.screenshot(path=str(test_output / "inspection-phone-restored.png"), full_page=True)
    _save(first)
    for index in range(1, 4):
        form = page.locator("form.line-form").nth(index)
        form.locator("label.choice-compliant").click()
        _save(form)
    drafts = "Object.keys(localStorage).filter(k => k.startsWith('weijian:inspection:')).length"
    assert page.evaluate(drafts) == 0, "saved lines leave no draft behind"
    assert inspection.findings.get(note=NOTE).outcome == "noncompliant"

    with page.expect_navigation():
        page.get_by_role("button", name="提交检查表").click()
    _sign_and_confirm(page)
    assert "已确认" in page.locator(".messages").inner_text()

    with page.expect_navigation():
        page.get_by_text("菜单", exact=True).click()  # on a phone the header folds the menu, logout included
        page.get_by_role("button", name="退出").click()
    _login(page, base, "li")
    page.goto(f"{base}/inspections/?view=confirm")
    page.locator(".task-link", has_text=field.a1.name).click()
    _sign_and_confirm(page)
    close = page.locator("#close-form")
    assert close.locator("input[value=rectify]").is_checked(), "责令整改 is suggested for a non-compliance"
    close.locator("textarea[name=note]").fill("责令限期整改")
    with page.expect_navigation():
        close.get_by_role("button", name="办结").click()
    assert "责令整改" in page.locator("#inspection-result").inner_text()
    page.screenshot(path=str(test_output / "inspection-phone-closed.png"), full_page=True)
    inspection.refresh_from_db()
    assert inspection.status == "closed" and inspection.attachments.filter(kind="signature").count() == 2

    services.inspection_publish(actor=field.manager, inspection_id=inspection.pk)
    page.goto(f"{base}/portal/results/{inspection.pk}/")
    assert "责令整改" in page.locator("#public-result").inner_text()
