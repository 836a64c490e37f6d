"""Imports point one way: each package of `sim` imports only the layers below it.

The order is the pipeline's (ARCHITECTURE.md): core at the bottom, then readers and the
feasibility engine, placement, the analyses, and the CLI on top.
"""

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"

ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "io": {"core"},
    "synth": {"core"},
    "capture": {"core", "io"},
    "feasibility": {"core"},
    "placement": {"core", "feasibility"},
    "graph": {"core", "feasibility", "placement"},
    "explain": {"core", "feasibility", "placement"},
    "whatif": {"core", "io", "feasibility", "placement"},
    "planning": {"core", "io", "feasibility", "placement", "graph", "whatif"},
    "report": {"core", "io", "feasibility", "placement", "graph", "explain", "whatif", "planning"},
    "montecarlo": {"core", "io", "whatif", "planning"},
}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "sim" and len(parts) > 1 else ""


def _imported(path: Path) -> set[str]:
    """Every `sim.*` module the file imports, relative imports resolved."""
    package = ["sim", *path.relative_to(SIM).parent.parts]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            names = (
                [name]
                if node.module or not node.level
                else [f"{name}.{alias.name}" for alias in node.names]
            )
            found.update(n for n in names if n.startswith("sim"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sim"))
    return found


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_lower_layers(layer: str) -> None:
    wrong = [
        f"{path.relative_to(SIM.parent)} imports {module}"
        for path in sorted((SIM / layer).rglob("*.py"))
        for module in sorted(_imported(path))
        if _layer(module) not in ALLOWED[layer] | {layer}
    ]
    assert wrong == []


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SIM.iterdir() if (p / "__init__.py").exists()}
    assert packages - {"cli"} == set(ALLOWED)


def test_no_loose_modules_beside_the_packages() -> None:
    assert sorted(p.name for p in SIM.glob("*.py")) == ["__init__.py"]


def test_placement_uses_the_feasibility_package_surface() -> None:
    deep = [
        f"{path.name} imports {module}"
        for layer in ("placement", "explain", "graph", "whatif")
        for path in (SIM / layer).rglob("*.py")
        for module in _imported(path)
        if module.startswith("sim.feasibility.")
    ]
    assert deep == []
