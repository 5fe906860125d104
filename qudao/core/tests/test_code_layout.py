"""The code base keeps the shape STYLE.md describes: these rules read the source as text (an AST),
so that a new module that breaks one fails here and not in review."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the qudao package
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists() and p.name not in {"demo"})
LAYERS = ("models", "services", "selectors", "forms", "views", "api")
REGISTERING = {
    "app_declarations",
    "scope_rule",
    "nav_item",
    "home_card",
    "home_panel",
    "detail_tab",
    "daily_job",
    "periodic_job",
    "approval_kind",
    "registration_won",
    "conflict_source",
    "gate_condition",
}


def sources(*, tests: bool = False):
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts or (not tests and "tests" in parts):
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT.parent)}:{node.lineno}"


def test_no_module_imports_another_modules_private_name():
    found = [
        f"{where(path, node)} imports {alias.name} from {node.module or '.'}"
        for path, tree in sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    ]
    assert found == []


def test_file_names_say_the_domain_not_who_wrote_them():
    pattern = re.compile(
        r"(_work|_ui|_rules|_new|_old|_v\d)\.py$|^(views|forms|selectors)_\w+\.py$"
    )
    found = [
        str(path.relative_to(ROOT.parent))
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and pattern.search(path.name)
    ]
    assert found == []


@pytest.mark.parametrize("app", APPS)
def test_every_layer_of_an_app_is_a_package(app):
    """`models/`, `services/`, `selectors/`, `forms/`, `views/`, `api/`: a folder each, with
    feature files named alike (STYLE.md, "Layout")."""
    flat = [layer for layer in LAYERS if (ROOT / app / f"{layer}.py").exists()]
    assert flat == []


def test_hooks_are_registered_only_in_an_apps_ready():
    """Every use of a core.hooks registry is in an AppConfig (tests may register their own)."""
    found = []
    for path, tree in sources():
        if path.name in {"apps.py", "hooks.py"}:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "hooks"
                and node.func.attr in REGISTERING
            ):
                found.append(f"{where(path, node)} calls hooks.{node.func.attr}")
    assert found == []


def test_apps_import_only_from_apps_below_them():
    """core ← catalog, customers ← partners ← registrations ← projects ← commerce ← performance
    ← demo: an app never imports from an app above it."""
    order = [
        "core",
        "catalog",
        "customers",
        "partners",
        "registrations",
        "projects",
        "commerce",
        "performance",
        "demo",
    ]
    rank = {app: i for i, app in enumerate(order)}
    found = []
    for path, tree in sources():
        app = path.relative_to(ROOT).parts[0]
        if app not in rank:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                target = parts[1] if parts[0] == "qudao" and len(parts) > 1 else ""
                above = rank.get(target, -1) > rank[app]
                if above:
                    found.append(f"{where(path, node)} imports {name}")
    assert found == []
