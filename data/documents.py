"""YAML and JSON read defensively: no aliases, no deep nesting, no key given twice, no YAML 1.1 surprises.

PyYAML's safe loader still expands aliases (a few hundred bytes can become
gigabytes), reads ``1:30`` as 90 and ``0100`` as 64 (YAML 1.1 sexagesimal
and octal), ``yes``/``on`` as true, lets a repeated key silently win, and
recurses once per nesting level. :func:`load_yaml` reads numbers, booleans
and nulls as YAML 1.2's core schema does (decimal only), refuses aliases,
repeated keys and nesting deeper than :data:`MAX_DEPTH`; :func:`load_json`
refuses repeated keys and deep nesting before the parser sees them.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import yaml

#: Deepest nesting of lists and mappings accepted (additions need three levels).
MAX_DEPTH = 20
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"


class DocumentError(ValueError):
    """A document refused before or while it is parsed; the message names the line where known."""


class StrictLoader(yaml.SafeLoader):
    """A safe loader with YAML 1.2 core scalars that refuses aliases, repeated keys and deep nesting."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise DocumentError(f"line {event.start_mark.line + 1}: alias *{event.anchor} refused; write the value out in full (aliases can expand without bound)")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise DocumentError(f"line {mark.line + 1}: nested deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool, type(None))):
                raise DocumentError(f"line {key_node.start_mark.line + 1}: a mapping key must be text, not a {type(key).__name__}")
            if key in seen:
                raise DocumentError(f"line {key_node.start_mark.line + 1}: key {key!r} is given twice (first on line {seen[key]}); keep one")
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def _decimal_int(loader, node):
    """A decimal int (``0100`` is 100, not octal 64); a numeral too long for one stays text."""
    text = loader.construct_scalar(node)
    return text if len(text) > 300 else int(text.replace("+", ""), 10)


def _float(loader, node):
    """A float; a numeral that overflows (``1e400``) stays text, so that messages show it as written."""
    text = loader.construct_scalar(node)
    value = float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return text if math.isinf(value) and "inf" not in text.lower() else value


def _json_float(text: str):
    value = float(text)
    return text if math.isinf(value) else value


StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
StrictLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
StrictLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"), list("-+0123456789.")
)
StrictLoader.add_constructor(_INT, _decimal_int)
StrictLoader.add_constructor(_FLOAT, _float)


def load_yaml(text: str):
    """Parse YAML with :class:`StrictLoader`.

    Raises
    ------
    DocumentError
        For an alias, a repeated key, deep nesting, or a syntax error (with its line and column).
    """
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 (StrictLoader is a SafeLoader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise DocumentError(f"syntax: {err.problem or err.context}{where}") from None
    except (yaml.YAMLError, ValueError) as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(f"syntax: {str(err).splitlines()[0]}") from None


def json_depth(text: str) -> int:
    """How deeply the lists and objects of a JSON text nest (strings skipped)."""
    depth = deepest = 0
    for token in re.finditer(r'"(?:\\.|[^"\\])*"|[\[\]{}]', text):
        t = token.group(0)
        if t in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif t in "]}":
            depth -= 1
    return deepest


def _no_repeats(pairs):
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise DocumentError(f"key {repeated[0]!r} is given twice in one object; keep one")
    return dict(pairs)


def read_json_file(path, error: type[ValueError] = DocumentError):
    """The JSON in the file at ``path``, parsed by :func:`load_json`; a file that does not parse raises ``error``
    naming the file and what is wrong."""
    try:
        return load_json(Path(path).read_text())
    except DocumentError as err:
        raise error(f"{path}: not valid JSON ({err})") from None


def load_json(text: str):
    """Parse JSON, refusing repeated keys and nesting deeper than :data:`MAX_DEPTH`.

    Raises
    ------
    DocumentError
        With the line and column of a syntax error.
    """
    if json_depth(text) > MAX_DEPTH:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        return json.loads(text, object_pairs_hook=_no_repeats, parse_float=_json_float, parse_int=lambda t: t if len(t) > 300 else int(t))
    except json.JSONDecodeError as err:
        raise DocumentError(f"syntax: {err.msg} (line {err.lineno}, column {err.colno})") from None
    except RecursionError:
        raise DocumentError(f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as err:
        if isinstance(err, DocumentError):
            raise
        raise DocumentError(f"syntax: {err}") from None
