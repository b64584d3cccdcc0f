"""Imports point one way (docs/architecture.md, "Rooms"): a module imports its own room and
the rooms below it, never a room above or beside it; no two modules import each other,
however indirectly; a blueprint module imports services, never another blueprint module.
Every import counts, deferred ones inside functions included."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "accounts", "notices", "recovery", "provinces", "units", "courses", "learning", "bureau",
            "declarations", "staff", "faces", "partners", "push", "transfers", "openapi", "demo")

# Lowest first. Rooms on one line sit side by side and may not import each other.
LAYERS = (
    ("config",),
    ("core",),
    ("accounts",),
    ("notices",),
    ("recovery",),
    ("provinces",),
    ("units",),
    ("courses",),
    ("courses.media",),
    ("courses.search",),
    ("courses.catalogue", "courses.studio"),
    ("learning",),
    ("bureau",),
    ("declarations", "staff", "faces", "partners", "push"),
    ("transfers",),  # moving province reuses the declarations' evidence check
    ("openapi",),
    ("demo",),
    ("app",),
)
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}


def app_modules(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the application by dotted name (packages by their own name)."""
    modules = {"app": root / "app.py", "config": root / "config.py"}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The application modules ``name`` imports: ``from x import y`` names x.y when that is a module."""
    found = set()
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + is_package]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module in known and module != name}


def room_of(module: str) -> str:
    """The longest room name that ``module`` is, or lives in."""
    parts = module.split(".")
    for size in range(len(parts), 0, -1):
        if ".".join(parts[:size]) in RANK:
            return ".".join(parts[:size])
    raise AssertionError(f"{module} is in no room of LAYERS")


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a room above, or of a room beside, the importer's own."""
    found = []
    for module, targets in sorted(graph.items()):
        here = room_of(module)
        for target in sorted(targets):
            there = room_of(target)
            if there != here and RANK[there] >= RANK[here]:
                found.append(f"{module} ({here}) imports {target} ({there})")
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    modules = app_modules(root)
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def test_no_module_imports_a_room_above_or_beside_its_own():
    assert wrong_way(import_graph()) == []


def test_no_two_modules_import_each_other():
    assert cycles(import_graph()) == []


def blueprint_modules(root: Path = ROOT) -> set[str]:
    return {name for name, path in app_modules(root).items()
            if "bp = Blueprint(" in path.read_text(encoding="utf-8")}


def test_blueprints_import_services_not_each_other():
    pages = blueprint_modules()
    graph = import_graph()
    assert len(pages) > 20
    assert {page: sorted(graph[page] & pages) for page in sorted(pages) if graph[page] & pages} == {}


def test_the_checks_catch_what_they_are_for():
    assert wrong_way({"courses.models": {"learning.models"}}) == [
        "courses.models (courses) imports learning.models (learning)"]
    assert wrong_way({"courses.studio.studio": {"courses.catalogue.listing"}}) == [
        "courses.studio.studio (courses.studio) imports courses.catalogue.listing (courses.catalogue)"]
    assert wrong_way({"learning.ledger": {"courses.media.storage", "core.db"}}) == []
    assert cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}, "a.w": {"a.x"}}) == [["a.x", "a.y", "a.z"]]


def test_deferred_and_relative_imports_are_read(tmp_path):
    package = tmp_path / "courses"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from learning import ledger\n")
    (package / "b.py").write_text("from . import a\nfrom .a import f\n")
    known = {"courses", "courses.a", "courses.b", "learning", "learning.ledger"}
    assert imports_of("courses.a", package / "a.py", known) == {"learning.ledger"}
    assert imports_of("courses.b", package / "b.py", known) == {"courses.a"}
