"""Imports run one way, from the bottom up (README.md, "Architecture").

A module imports only from its own app and the apps below it. The checker reads every module of the
project's apps with `ast` — imports inside functions and under `if TYPE_CHECKING:` count as imports, a
lazy import being an import all the same — and names each one that runs upward by file and line.
"""

import ast
from pathlib import Path

# Bottom to top. Apps on one level are peers and import neither each other nor anything above them.
LAYERS = (
    ("common",),
    ("councils",),
    ("publications",),
    ("consultations",),
    ("proposals",),
    ("workspace", "portal", "opendata"),
    ("demo",),  # it seeds every app, the workspace's accounts included
    ("qogam",),
)
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}

ROOT = Path(__file__).resolve().parent.parent


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(tree: ast.Module, module: str, is_package: bool):
    """Yield (line, absolute module name) for every import in the module, wherever it stands."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target


def upward_imports(root: Path) -> list[str]:
    """Every import in the apps under `root` that runs upward, as `path:line: module imports target (…)`."""
    problems = []
    for app, level in LEVEL.items():
        for path in sorted((root / app).rglob("*.py")):
            module = _module_name(root, path)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for line, target in _imported_modules(tree, module, path.name == "__init__.py"):
                target_app = target.partition(".")[0]
                if target_app == app or target_app not in LEVEL:
                    continue
                if LEVEL[target_app] >= level:
                    relation = "below" if LEVEL[target_app] > level else "a peer of"
                    problems.append(
                        f"{path.relative_to(root)}:{line}: {module} imports {target} "
                        f"(app {app} is {relation} app {target_app})"
                    )
    return problems


def test_no_module_imports_an_app_above_its_own():
    problems = upward_imports(ROOT)
    assert not problems, "Imports running upward:\n" + "\n".join(problems)


def test_no_app_imports_the_configuration():
    problems = [problem for problem in upward_imports(ROOT) if " imports qogam" in problem]
    assert not problems, "\n".join(problems)


def test_every_app_of_the_project_has_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"qogam"}
    assert apps == set(LEVEL)


def test_the_checker_names_an_upward_import_by_file_and_line(tmp_path):
    (tmp_path / "councils").mkdir()
    (tmp_path / "councils" / "__init__.py").write_text("")
    (tmp_path / "councils" / "views.py").write_text(
        "from django.shortcuts import render\n\nfrom consultations import selectors\n"
    )
    (tmp_path / "consultations").mkdir()
    (tmp_path / "consultations" / "__init__.py").write_text("")
    (tmp_path / "consultations" / "selectors.py").write_text("from councils.models import Council\n")

    assert upward_imports(tmp_path) == [
        "councils/views.py:3: councils.views imports consultations (app councils is below app consultations)"
    ]


def test_the_checker_counts_lazy_relative_and_type_checking_imports(tmp_path):
    (tmp_path / "publications").mkdir()
    (tmp_path / "publications" / "__init__.py").write_text("")
    (tmp_path / "publications" / "sub").mkdir()
    (tmp_path / "publications" / "sub" / "__init__.py").write_text("from .. import models\n")
    (tmp_path / "publications" / "services.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from proposals.models import Proposal\n"
        "\n"
        "\n"
        "def publish():\n"
        "    import qogam.settings\n"
        "    from .models import Announcement\n"
    )
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "views.py").write_text("from workspace import selectors\n")

    assert upward_imports(tmp_path) == [
        "publications/services.py:4: publications.services imports proposals.models "
        "(app publications is below app proposals)",
        "publications/services.py:8: publications.services imports qogam.settings "
        "(app publications is below app qogam)",
        "portal/views.py:1: portal.views imports workspace (app portal is a peer of app workspace)",
    ]
