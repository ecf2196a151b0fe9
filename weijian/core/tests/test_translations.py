"""English complete: every string a user sees has an English translation, and this test fails when one lacks it.

Four checks, none of which touches the database:

* **Catalogues** — Django's ``makemessages -l en`` is run over a copy of the package (as the header of
  ``weijian/locale/en/LC_MESSAGES/django.po`` says: each app with a ``locale/`` folder keeps its own catalogue);
  every msgid that comes out untranslated, fuzzy or still Chinese fails, with its source location. Every
  committed ``.mo`` must hold what its ``.po`` compiles to (contents compared, not bytes).
* **Templates** — no Chinese text outside ``{% translate %}`` / ``{% blocktranslate %}`` (and their old names),
  ``_("…")`` arguments, ``{# … #}`` comments and ``{% comment %}`` blocks.
* **Python** — no string literal containing Chinese outside a gettext call in a user-facing module. Docstrings
  (and comments) are not messages. Also accepted, because the English is right beside the Chinese: a keyword
  argument or dict key ``x`` / ``x_zh`` whose call or dict also gives ``x_en``. A legal citation (a keyword
  argument or dict key named in :data:`CITATION_KEYS`) quotes the act's Chinese title. A literal that is data
  (a Chinese keyword matched in input, a header alias …) carries the marker ``# i18n: data`` on its line.
  Modules that hold data rather than messages are listed in :data:`DATA_MODULES`, each with its reason.
* **Data files** — every entry of the data files that pages show (:data:`BILINGUAL_DATA`) has its English.

:data:`PENDING` lists files owned by branches in flight; the lead empties it after merging them.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
import subprocess
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.template.base import Lexer, TokenType
from django.test import override_settings

import weijian

PACKAGE = Path(weijian.__file__).resolve().parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")  # with CJK punctuation
DATA_MARKER = "# i18n: data"
GETTEXT_CALLS = frozenset({
    "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy",
})  # fmt: skip
CITATION_KEYS = frozenset({"legal_basis", "basis"})

# Modules that hold data, not messages: path inside the package (a folder ends in "/") → why.
DATA_MODULES: dict[str, str] = {
    "sim/names.py": "synthetic Chinese names, streets and institution names of the generated city",
    "sim/activity/catalog.py": "synthetic drug, diagnosis and charge-item catalogue of the generated activity",
    "sim/city.py": "synthetic street, grid, institution and address names and conflict reasons of the generated city",
    "sim/supervised.py": "synthetic names and licence numbers of the generated supervised units (hotels, schools …)",
    "conftest.py": "test fixtures (tests are out of scope)",
    "core/pinyin.py": "surname and place-name readings (the Chinese characters are the keys looked up)",
    "documents/templates/documents/": "the enforcement documents (卫生部令第87号 forms): legal texts, Chinese in every UI language",
    "cases/documents.py": "what a case's enforcement documents say: phrases of the legal text, Chinese in every UI language",
}

# TEMPORARY — files owned by branches in flight (issue 7 and issue 8). Their strings are wrapped by the lead
# after merging, with this test; then each line is deleted here. Do not add a file that no branch owns.
PENDING: frozenset[str] = frozenset()

# Data files whose entries pages show: path inside the package → the fields that need an English text beside.
BILINGUAL_DATA: dict[str, tuple[str, ...]] = {
    "alerts/data/evidence.yaml": ("zh",),
    "alerts/data/indicators.yaml": ("name",),
    "rules/data/identifiers.yaml": ("name", "message"),
    "core/data/regions-edition.yaml": ("title", "publisher", "coverage"),
    "registry/data/dept_codes.yaml": ("name",),
}


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def _out_of_scope(rel: str) -> bool:
    parts = rel.split("/")
    return "tests" in parts or "migrations" in parts or rel in PENDING


def _exempt(rel: str) -> bool:
    return any(rel == key or (key.endswith("/") and rel.startswith(key)) for key in DATA_MODULES)


def _sources(*suffixes: str) -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.suffix in suffixes and "__pycache__" not in p.parts)


# ------------------------------------------------------------------------------------------- catalogues
@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False


def po_entries(text: str) -> list[Entry]:
    """The entries of a .po file (header included, as msgid ""); just enough of the format for these checks."""
    entries: list[Entry] = []
    current, target = Entry(), None
    started = False

    def flush() -> None:
        nonlocal current, started, target
        if started:
            entries.append(current)
        current, started, target = Entry(), False, None

    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            current.obsolete = True
            started = True
            continue
        if line.startswith("#:"):
            current.locations.extend(line[2:].split())
            continue
        if line.startswith("#,"):
            current.fuzzy = current.fuzzy or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            value = ast.literal_eval(rest)
            started = True
            if keyword == "msgctxt":
                current.msgctxt, target = "", "msgctxt"
            elif keyword == "msgid":
                target = "msgid"
            elif keyword == "msgid_plural":
                current.plural, target = "", "plural"
            elif keyword.startswith("msgstr"):
                current.msgstrs.append("")
                target = "msgstr"
        if target == "msgctxt":
            current.msgctxt = (current.msgctxt or "") + value
        elif target == "msgid":
            current.msgid += value
        elif target == "plural":
            current.plural = (current.plural or "") + value
        elif target == "msgstr":
            current.msgstrs[-1] += value
    return entries


def catalogue_problems(po: Path, shown_as: str) -> list[str]:
    problems = []
    for entry in po_entries(po.read_text(encoding="utf-8")):
        if entry.obsolete or not entry.msgid:
            continue
        if entry.fuzzy:
            why = "fuzzy"
        elif not all(entry.msgstrs):
            why = "untranslated"
        elif any(CJK.search(s) for s in entry.msgstrs):
            why = "still Chinese"
        else:
            continue
        where = " ".join(entry.locations) or "(no source)"
        problems.append(f"{shown_as}: {why}: {entry.msgid!r} — {where}")
    return problems


def _copy_ignore(folder: str, names: list[str]) -> set[str]:
    keep = (".py", ".html", ".txt", ".po")
    return {n for n in names if n == "__pycache__" or ("." in n and not n.endswith(keep) and n != "locale")}


def _mo_catalogue(path: Path) -> dict[Any, str]:
    with path.open("rb") as fh:
        catalogue: dict[Any, str] = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    catalogue.pop("", None)  # the header (creation dates) is not a translation
    return catalogue


def test_every_catalogue_is_complete_and_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is missing (xgettext, msgfmt): run `make system-deps`")
    committed = sorted(PACKAGE.rglob("locale/en/LC_MESSAGES/django.po"))
    assert committed, "no English catalogue found"
    problems = []
    for po in committed:  # the committed .mo is what the committed .po compiles to
        mo, fresh = po.with_suffix(".mo"), tmp_path / f"{len(problems)}-{_rel(po).replace('/', '-')}.mo"
        if not mo.exists():
            problems.append(f"{_rel(mo)}: missing (run compilemessages)")
            continue
        subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True)
        if _mo_catalogue(fresh) != _mo_catalogue(mo):
            problems.append(f"{_rel(mo)}: does not match {po.name} (run compilemessages)")

    copy = tmp_path / "weijian"
    shutil.copytree(PACKAGE, copy, ignore=_copy_ignore)
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
        call_command("makemessages", locale=["en"], verbosity=0)
    for po in sorted(copy.rglob("locale/en/LC_MESSAGES/django.po")):
        problems.extend(catalogue_problems(po, po.relative_to(copy).as_posix()))
    assert not problems, (
        "English catalogues are incomplete — translate these, then run makemessages and compilemessages "
        "in weijian/ (see the header of weijian/locale/en/LC_MESSAGES/django.po):\n" + "\n".join(problems)
    )


# -------------------------------------------------------------------------------------------- templates
TEMPLATE_GETTEXT = re.compile(r"""_\(\s*(?:"[^"]*"|'[^']*')\s*\)""")
OPENERS = {"comment": "endcomment", "blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}


def template_problems(source: str, shown_as: str) -> list[str]:
    """Chinese in a template outside translation tags, ``_("…")`` and comments, as ``file:line: text``."""
    problems, closing = [], None
    for token in Lexer(source).tokenize():
        words = token.contents.split()
        if closing is not None:
            if token.token_type == TokenType.BLOCK and words and words[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.COMMENT:
            continue
        if token.token_type == TokenType.BLOCK and words and words[0] in OPENERS:
            closing = OPENERS[words[0]]
            continue
        if token.token_type == TokenType.BLOCK and words and words[0] in ("translate", "trans"):
            continue
        text = TEMPLATE_GETTEXT.sub("", token.contents)
        for offset, line in enumerate(text.split("\n")):
            if CJK.search(line):
                problems.append(f"{shown_as}:{token.lineno + offset}: {line.strip()[:120]}")
    return problems


def test_templates_have_no_untranslated_chinese() -> None:
    problems = []
    for path in _sources(".html", ".txt"):
        rel = _rel(path)
        if "templates" in path.parts and not _out_of_scope(rel) and not _exempt(rel):
            problems.extend(template_problems(path.read_text(encoding="utf-8"), rel))
    assert not problems, "Chinese text outside {% translate %} / {% blocktranslate %}:\n" + "\n".join(problems)


# --------------------------------------------------------------------------------------------- python
def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _docstrings(tree: ast.AST) -> set[int]:
    """Docstrings, and the strings standing alone as a statement (the docstring of the attribute above them)."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)}


def _bilingual(name: str | None, siblings: set[str]) -> bool:
    """A keyword / key whose English text is given beside it (``name_zh`` / ``name`` with ``name_en``), or a citation."""
    if name is None:
        return False
    return name in CITATION_KEYS or f"{name.removesuffix('_zh')}_en" in siblings


def _accepted_children(node: ast.AST) -> set[int]:
    """Children of a call or dict literal that are bilingual data (see :func:`_bilingual`)."""
    if isinstance(node, ast.Call):
        names = {k.arg for k in node.keywords if k.arg}
        return {id(k) for k in node.keywords if _bilingual(k.arg, names)}
    if isinstance(node, ast.Dict):
        keys = [k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None for k in node.keys]
        names = {k for k in keys if k}
        return {id(v) for k, v in zip(keys, node.values, strict=True) if _bilingual(k, names)}
    return set()


def _marked_lines(source: str) -> set[int]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0] for t in tokens if t.type == tokenize.COMMENT and t.string.startswith(DATA_MARKER)}


def python_problems(source: str, shown_as: str) -> list[str]:
    """Chinese string literals outside gettext calls, docstrings and accepted data, as ``file:line: 'text'``."""
    tree = ast.parse(source)
    docstrings, marked = _docstrings(tree), _marked_lines(source)
    problems: list[str] = []

    def report(node: ast.expr) -> None:
        if not marked & set(range(node.lineno, (node.end_lineno or node.lineno) + 1)):
            text = ast.get_source_segment(source, node) or ""
            problems.append(f"{shown_as}:{node.lineno}: {text[:120]}")

    def visit(node: ast.AST, translated: bool) -> Iterator[None]:
        if isinstance(node, ast.Call) and _called(node) in GETTEXT_CALLS:
            translated = True
        accepted = _accepted_children(node)
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant)]
            if not translated and any(CJK.search(str(p.value)) for p in parts):
                report(node)
            for v in node.values:
                if isinstance(v, ast.FormattedValue):
                    yield from visit(v, translated)
            return
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)
                and not translated and id(node) not in docstrings):  # fmt: skip
            report(node)
        for child in ast.iter_child_nodes(node):
            if id(child) not in accepted:
                yield from visit(child, translated)

    for _ in visit(tree, False):
        pass
    return problems


def test_python_modules_have_no_untranslated_chinese() -> None:
    problems = []
    for path in _sources(".py"):
        rel = _rel(path)
        if not _out_of_scope(rel) and not _exempt(rel):
            problems.extend(python_problems(path.read_text(encoding="utf-8"), rel))
    assert not problems, (
        "Chinese string literals outside gettext (wrap them in _() / gettext_lazy(), or mark data with "
        f"`{DATA_MARKER}`):\n" + "\n".join(problems)
    )


def test_exemptions_and_pending_name_existing_files() -> None:
    stale = [rel for rel in [*DATA_MODULES, *PENDING] if not (PACKAGE / rel).exists()]
    assert not stale, f"remove these from DATA_MODULES / PENDING: {stale}"


# ------------------------------------------------------------------------------------------- data files
def _missing_english(node: Any, fields: tuple[str, ...], where: str) -> Iterator[str]:
    if isinstance(node, dict):
        for key in fields:
            if key in node and isinstance(node[key], str) and CJK.search(node[key]):
                en = "en" if key == "zh" else f"{key}_en"
                if not str(node.get(en) or "").strip():
                    yield f"{where}: {key}={node[key]!r} has no {en}"
        for key, child in node.items():
            yield from _missing_english(child, fields, f"{where}.{key}")
    elif isinstance(node, list):
        for i, child in enumerate(node):
            yield from _missing_english(child, fields, f"{where}[{i}]")


def test_data_shown_to_users_has_english() -> None:
    problems = []
    for rel, fields in BILINGUAL_DATA.items():
        text = (PACKAGE / rel).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        problems.extend(_missing_english(data, fields, rel))
        if not any(re.search(rf"^\s*[{{]?\s*{re.escape(f)}:", line) or f"{{{f}:" in line for f in fields
                   for line in text.splitlines()):  # fmt: skip
            problems.append(f"{rel}: none of the fields {fields} found (has the file changed shape?)")
        if rel == "alerts/data/evidence.yaml":  # units map the Chinese unit to its English
            problems.extend(f"{rel}: unit {k!r} has no English" for k, v in data["units"].items()
                            if not str(v or "").strip() or CJK.search(str(v)))  # fmt: skip
    assert not problems, "entries without an English text:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------- the checks fail
def test_the_checks_find_what_they_look_for(tmp_path: Path) -> None:
    template = '{% load i18n %}<p>{% translate "好" %}</p>{# 注释 #}\n<b title="标题">{{ x|default:_("无") }}</b>\n待办'
    assert template_problems(template, "t.html") == ['t.html:2: <b title="标题">', "t.html:3: 待办"]
    python = (
        '"""模块说明。"""\nfrom x import _\nA = _("好")\nB = "坏"\nC = f"第{n}行"  # i18n: data\n'
        'D = {"name": "名", "name_en": "Name", "x": "中"}\nE = R(name_zh="名", name_en="N", legal_basis="条例")\n'
    )
    assert python_problems(python, "m.py") == ["m.py:4: \"坏\"", "m.py:6: \"中\""]
    po = '#: a.py:1\nmsgid "好"\nmsgstr "Good"\n\n#: b.py:2\n#, fuzzy\nmsgid "坏"\nmsgstr "Bad"\n\n#: c.py:3\nmsgid "空"\nmsgstr ""\n'
    assert [(e.msgid, e.fuzzy, e.msgstrs, e.locations) for e in po_entries(po)] == [
        ("好", False, ["Good"], ["a.py:1"]), ("坏", True, ["Bad"], ["b.py:2"]), ("空", False, [""], ["c.py:3"])
    ]  # fmt: skip
    catalogue = tmp_path / "django.po"
    catalogue.write_text(po, encoding="utf-8")
    assert catalogue_problems(catalogue, "x.po") == ["x.po: fuzzy: '坏' — b.py:2", "x.po: untranslated: '空' — c.py:3"]
