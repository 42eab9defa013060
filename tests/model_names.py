"""Which variable names of the models appear as string literals in inference/ and effcompute/ (run: python tests/model_names.py)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The shared vocabulary the models declare their factor and reduction names from.
VOCABULARY = {ROOT / "effcompute" / "dims.py"}


def model_variable_names() -> set[str]:
    """Every named variable (free, deterministic, observed, data) of every registered model on the bundled data."""
    from effcompute.data.load import load_dataset
    from effcompute.models import build_model
    from effcompute.models.config import ModelConfig
    from effcompute.models.registry import MODEL_NAMES

    ds = load_dataset()
    names = set()
    for name in MODEL_NAMES:
        names |= set(build_model(ds, ModelConfig(model=name)).model.named_vars)
    return names


def literal_uses(names: set[str]) -> dict[str, list[str]]:
    """name -> ['file:line', ...] where it is a string literal in inference/ or effcompute/ (docstrings excluded)."""
    out: dict[str, list[str]] = {}
    for folder in ("inference", "effcompute"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path in VOCABULARY:
                continue
            tree = ast.parse(path.read_text())
            docstrings = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                          and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names and id(node) not in docstrings:
                    out.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


if __name__ == "__main__":
    uses = literal_uses(model_variable_names())
    for name, where in sorted(uses.items()):
        print(f"{name}: {', '.join(where)}")
    print(f"{len(uses)} model variable names appear as string literals in inference/ and effcompute/")
    sys.exit(0)
