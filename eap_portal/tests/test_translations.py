"""The zh-Hant catalogue is complete: every message in the code is in it, none untranslated or fuzzy."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
NOT_SOURCE = {".venv", ".git", "staticfiles", "static", "locale", "node_modules"}


def entries(po_text):
    """(msgid, msgstr, flags) of each entry, header excluded."""
    found = []
    for block in re.split(r"\n\s*\n", po_text):
        flags = " ".join(line for line in block.splitlines() if line.startswith("#,"))
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)?\s*"(.*)"$', _section(block, "msgid"), re.M))
        msgstr = "".join(re.findall(r'^(?:msgstr(?:\[\d\])?)?\s*"(.*)"$', _section(block, "msgstr"), re.M))
        if msgid:
            found.append((msgid, msgstr, flags))
    return found


def _section(block, keyword):
    lines, inside = [], False
    for line in block.splitlines():
        if line.startswith(keyword):
            inside = True
        elif line.startswith(("msgid", "msgstr", "#")):
            inside = False
        if inside:
            lines.append(line)
    return "\n".join(lines)


def test_no_message_is_untranslated_or_fuzzy():
    text = PO.read_text(encoding="utf-8")
    problems = [msgid for msgid, msgstr, flags in entries(text) if not msgstr or "fuzzy" in flags]
    assert entries(text), "the catalogue is empty"
    assert not problems, f"untranslated or fuzzy: {problems[:10]}"
    assert "#, fuzzy" not in text


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the messages afresh from a copy of the sources and compare with the catalogue."""
    for item in ROOT.iterdir():
        if item.name in NOT_SOURCE or item.name.startswith("."):
            continue
        if item.is_dir():
            shutil.copytree(item, tmp_path / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        elif item.suffix == ".py":
            shutil.copy(item, tmp_path / item.name)
    (tmp_path / "locale").mkdir()
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hant", "--no-obsolete", "-v0"],
                   cwd=tmp_path, check=True, capture_output=True, timeout=120)
    fresh = {msgid for msgid, _, _ in entries((tmp_path / PO.relative_to(ROOT)).read_text(encoding="utf-8"))}
    kept = {msgid for msgid, _, _ in entries(PO.read_text(encoding="utf-8"))}
    missing = sorted(fresh - kept)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


@pytest.mark.django_db
def test_pages_speak_zh_hant_by_default_and_english_on_request():
    client = Client()
    zh = client.get(reverse("urgent_help"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hant"' in zh and "員工協助方案" in zh, "the browser's language must not decide"
    client.post(reverse("set_language"), {"language": "en", "next": reverse("urgent_help")})
    en = client.get(reverse("urgent_help")).content.decode()
    assert '<html lang="en"' in en and "Employee Assistance Program" in en
