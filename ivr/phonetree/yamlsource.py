"""Read staff-edited YAML safely, keeping the line of every key and item.

Every plain scalar stays a string (``9:00`` is not the number 540, ``no`` is
not False, ``2026-12-25`` is not a date): the schema decides what a value
means, so YAML's surprises never reach the tree. A key given twice in one
mapping is an error, not a silent overwrite.
"""

from __future__ import annotations

import re
from typing import Any

import yaml


class YamlError(Exception):
    """A file that is not valid YAML, with the line where reading stopped."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class LocatedMap(dict):
    """A mapping that knows its own line and the line of each key."""

    line: int
    lines: dict[str, int]


class LocatedList(list):
    """A list that knows its own line and the line of each item."""

    line: int
    lines: list[int]


class _Located:
    """A safe loader's constructors without implicit types: every plain scalar is a string."""

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 - replaces the inherited table

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LocatedMap:
        result = LocatedMap()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark)
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{key}' is given twice in the same place "
                    f"(first on line {result.lines[key]})", key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LocatedList:
        result = LocatedList(self.construct_object(item, deep=True) for item in node.value)
        result.line = node.start_mark.line + 1
        result.lines = [item.start_mark.line + 1 for item in node.value]
        return result


class _Loader(_Located, yaml.SafeLoader):
    """Pure Python: slow, but its error messages are the ones ``_explain`` knows."""


class _FastLoader(_Located, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser (about ten times faster) with the same constructors."""


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor("tag:yaml.org,2002:map", _Located.construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:seq", _Located.construct_sequence)
    _loader.add_constructor("tag:yaml.org,2002:null", lambda loader, node: None)
    _loader.add_implicit_resolver("tag:yaml.org,2002:null",
                                  re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


def parse(text: str) -> Any:
    """Parse one YAML document; raise YamlError with a line on bad YAML."""
    try:
        return yaml.load(text, Loader=_FastLoader)
    except yaml.YAMLError:  # read it again, slowly, for the error messages staff are given
        pass
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "not valid YAML"
        raise YamlError(_explain(problem), line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks nearly every error
        raise YamlError(str(exc), 1) from None


def _explain(problem: str) -> str:
    """Turn PyYAML's wording into advice a non-programmer can act on."""
    if "found character '\\t'" in problem:
        return "a tab character: indent with spaces only"
    if "found undefined alias" in problem or "expected alphabetic or numeric character" in problem:
        return f"{problem} (a value that starts with * or & must be in quotes, e.g. \"*\")"
    if "mapping values are not allowed here" in problem:
        return f"{problem} (text that contains ': ' must be in quotes)"
    return problem
