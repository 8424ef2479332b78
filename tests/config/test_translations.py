"""The Chinese catalogue is complete and compiles without GNU gettext."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_is_translated_and_nothing_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    assert len(catalogue) > 300
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(PO)):
        for placeholder in ("%s", "%d", *_named(entry.msgid)):
            translated = entry.msgstr or entry.msgstr_plural.get(0, "")
            assert entry.msgid.count(placeholder) == translated.count(placeholder), entry.msgid


def _named(text: str) -> list[str]:
    import re

    return re.findall(r"%\(\w+\)[sd]", text)


def test_compiled_catalogue_is_used(tmp_path):
    call_command("compiletranslations", stdout=(tmp_path / "out.txt").open("w"))
    with translation.override("zh-hans"):
        assert translation.gettext("Log out") == "退出登录"
    with translation.override("en"):
        assert translation.gettext("Log out") == "Log out"


def test_home_page_is_chinese_by_default_even_for_an_english_browser(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert "退出登录" not in response.content.decode()  # anonymous: no logout button
    assert "登录" in response.content.decode()


def test_english_on_request(client, db):
    client.cookies["lang"] = "en"
    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()
