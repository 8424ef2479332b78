"""register → verify the e-mail (read from the outbox) → log in → switch language → contest page."""

import re

import pytest
from django.core import mail

from tests import factories


@pytest.fixture
def open_contest(transactional_db):
    contest = factories.ContestFactory(
        phase="open", title="全国中小学教师微视频大奖赛（浏览器测试）", slug="e2e-contest"
    )
    factories.CategoryFactory(contest=contest, name="初中·数学·教师组")
    return contest


def test_register_verify_login_switch_language_open_contest(
    live_server, page, screenshot, open_contest
):
    page.goto(f"{live_server.url}/accounts/register/")
    # A browser that prefers English still gets Chinese until the person switches.
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.fill("input[name=email]", "Browser.Teacher@Example.cn")
    page.fill("input[name=password]", factories.PASSWORD)
    page.fill("input[name=password_confirm]", factories.PASSWORD)
    page.fill("input[name=real_name]", "欧阳燚垚")
    page.fill("input[name=institution_name]", "杭州市犇鑫实验学校")
    page.select_option("select[name=institution_kind]", "junior")
    page.select_option("select[name=province]", "33")
    page.fill("input[name=city]", "杭州市")
    screenshot("01-register")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/register/done/"))

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/verify/\S+", mail.outbox[0].body).group(0)
    page.goto(live_server.url + "/" + link.split("://", 1)[1].split("/", 1)[1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))

    page.fill("input[name=username]", "browser.teacher@example.cn")
    page.fill("input[name=password]", factories.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    # On a phone the menu is folded: open it as a person would.
    page.click(".navbar-toggler")
    assert "欧阳燚垚" in page.locator("#main-nav").inner_text()

    with page.expect_navigation():
        page.select_option("#language-switcher", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click(".navbar-toggler")
    assert "Log out" in page.locator("#main-nav").inner_text()

    page.goto(f"{live_server.url}/contests/{open_contest.slug}/")
    assert open_contest.title in page.locator("main").inner_text()
    assert "初中·数学·教师组" in page.locator("main").inner_text()
    shot = screenshot("02-contest-page-en")
    assert shot.stat().st_size > 10_000
