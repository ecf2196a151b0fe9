"""Which language the command line and the Django-free code speak: Chinese unless English is asked for."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from weijian import i18n
from weijian.cli import main as cli_main


def test_the_environment_chooses_the_language_chinese_by_default() -> None:
    assert i18n.language_from_env({}) == "zh-hans"
    assert i18n.language_from_env({"LANG": "C.UTF-8"}) == "zh-hans"
    assert i18n.language_from_env({"LANG": "en_US.UTF-8"}) == "en"
    assert i18n.language_from_env({"LANG": "en_GB.UTF-8", "LC_ALL": "zh_CN.UTF-8"}) == "zh-hans"
    assert i18n.language_from_env({"LANG": "fr_FR.UTF-8"}) == "zh-hans"  # no French text: the default


def test_language_option_is_taken_off_the_command_line() -> None:
    assert i18n.pop_language(["audit", "verify", "--language", "en"]) == ("en", ["audit", "verify"])
    assert i18n.pop_language(["--language=zh-hans", "regions"]) == ("zh-hans", ["regions"])
    assert i18n.pop_language(["regions"]) == (None, ["regions"])
    with pytest.raises(SystemExit, match="--language"):
        i18n.pop_language(["--language", "fr"])


def test_data_entries_pick_the_active_language() -> None:
    entry = {"name": "内科", "name_en": "Internal medicine"}
    with translation.override("en"):
        assert i18n.localized(entry) == "Internal medicine" and i18n.in_language("是", "Yes") == "Yes"
        assert i18n.localized({"name": "内科"}) == "内科"  # no English: the Chinese, never nothing
    with translation.override("zh-hans"):
        assert i18n.localized(entry) == "内科" and i18n.localized({"zh": "天", "en": "days"}, "zh") == "天"


def test_django_free_code_reads_the_compiled_catalogue() -> None:
    """The rules loader's errors in English without Django (as on a Spark driver), Chinese by default."""
    script = (
        "import sys\nfrom weijian import i18n\nfrom weijian.rules import loader\n"
        "i18n.set_language(sys.argv[1])\n"
        "try:\n    loader.resolve('platform_grade', 'weights.horoscope', __import__('datetime').date(2025, 1, 1))\n"
        "except loader.RulesError as exc:\n    print(exc)\n"
        "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))\n"
    )
    en = subprocess.run([sys.executable, "-c", script, "en"], capture_output=True, text=True, check=True).stdout
    zh = subprocess.run([sys.executable, "-c", script, "zh-hans"], capture_output=True, text=True, check=True).stdout
    assert en.splitlines() == ["platform_grade.yaml: no key 'weights.horoscope'", "False"]
    assert zh.splitlines()[0] == "platform_grade.yaml: no key 'weights.horoscope'（规则文件中没有该参数）"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the command line runs outside a test transaction
def test_command_output_in_chinese_or_english(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "审计链完好" in out.getvalue()
    with translation.override("en"):
        out = StringIO()
        call_command("audit", "verify", stdout=out)
    assert "Audit chain intact: 0 events" in out.getvalue()
    cli_main(["audit", "verify", "--language", "en"])
    assert "Audit chain intact" in capsys.readouterr().out
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    cli_main(["audit", "verify", "--language", "zh-hans"])  # the option wins over the environment
    assert "审计链完好" in capsys.readouterr().out
    assert translation.get_language() != "en"  # the command's language does not leak into the process
