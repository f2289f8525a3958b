"""Read template.yaml (CloudFormation short tags included) and resolve intrinsics for local."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LOCAL_PSEUDO = {
    "AWS::AccountId": "123456789012",  # moto's default account
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "local",
    "AWS::NoValue": None,
}
_SUB_VAR = re.compile(r"\$\{([^}!][^}]*)\}")
_FUNCTIONS = ("Ref", "Sub", "GetAtt", "Join", "Select", "Split", "ImportValue", "If", "Equals")


# libyaml's parser when PyYAML was built with it: the same documents, about ten times faster
# (template.yaml is read by every stack start and by many tests).
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CfnLoader(_SafeLoader):
    """SafeLoader that turns `!Fn` short tags into their long `{"Fn::X": ...}` form."""


def _short_tag(name: str) -> Callable[[yaml.SafeLoader, yaml.Node], dict[str, Any]]:
    key = "Ref" if name == "Ref" else f"Fn::{name}"

    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if name == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {key: value}

    return construct


for _name in _FUNCTIONS:
    _CfnLoader.add_constructor(f"!{_name}", _short_tag(_name))


@dataclass(frozen=True)
class Resource:
    """One template resource, properties still unresolved."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()


@dataclass
class Created:
    """What a created resource answers to `!Ref` and `!GetAtt`."""

    ref: str
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    """Parameters (with local values) and resources of a template."""

    parameters: Mapping[str, str]
    resources: tuple[Resource, ...]
    function_env: Mapping[str, Any] = field(default_factory=dict)

    def in_creation_order(self) -> list[Resource]:
        """Resources sorted so every `Ref`/`GetAtt`/`DependsOn` target comes first."""
        by_id = {r.logical_id: r for r in self.resources}
        ordered: list[Resource] = []
        visiting: set[str] = set()

        def visit(resource: Resource) -> None:
            if resource in ordered:
                return
            if resource.logical_id in visiting:
                raise ValueError(f"dependency cycle at {resource.logical_id}")
            visiting.add(resource.logical_id)
            for dep in sorted(_dependencies(resource) & by_id.keys()):
                visit(by_id[dep])
            ordered.append(resource)

        for resource in self.resources:
            visit(resource)
        return ordered


def load(path: Path, overrides: Mapping[str, str] | None = None) -> Template:
    """Parse a template; parameters take their Default unless overridden."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)
    params = {
        name: str(spec.get("Default", ""))
        for name, spec in (doc.get("Parameters") or {}).items()
    }
    params.update(overrides or {})
    resources = tuple(
        Resource(
            logical_id=logical_id,
            type=body["Type"],
            properties=body.get("Properties") or {},
            depends_on=tuple(_as_list(body.get("DependsOn"))),
        )
        for logical_id, body in (doc.get("Resources") or {}).items()
    )
    globals_env = (
        ((doc.get("Globals") or {}).get("Function") or {}).get("Environment") or {}
    ).get("Variables") or {}
    return Template(parameters=params, resources=resources, function_env=globals_env)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _dependencies(resource: Resource) -> set[str]:
    found = set(resource.depends_on)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "Ref" in node and isinstance(node["Ref"], str):
                found.add(node["Ref"])
            if "Fn::GetAtt" in node:
                found.add(node["Fn::GetAtt"][0])
            if "Fn::Sub" in node:
                text = node["Fn::Sub"] if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"][0]
                found.update(v.split(".")[0] for v in _SUB_VAR.findall(text))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dict(resource.properties))
    return found


class Resolver:
    """Evaluates intrinsic functions against parameters and already-created resources."""

    def __init__(self, parameters: Mapping[str, str], created: Mapping[str, Created]) -> None:
        self._parameters = parameters
        self._created = created

    def resolve(self, node: Any) -> Any:
        """Return `node` with every intrinsic function replaced by its local value."""
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self._ref(arg)
            if key.startswith("Fn::"):
                return self._function(key[4:], arg)
        return {key: self.resolve(value) for key, value in node.items()}

    def _ref(self, name: str) -> Any:
        if name in self._parameters:
            return self._parameters[name]
        if name in LOCAL_PSEUDO:
            return LOCAL_PSEUDO[name]
        if name in self._created:
            return self._created[name].ref
        raise ValueError(f"!Ref to unknown or not yet created {name!r}")

    def _get_att(self, logical_id: str, attribute: str) -> str:
        created = self._created.get(logical_id)
        if created is None or attribute not in created.attrs:
            raise ValueError(f"!GetAtt {logical_id}.{attribute} is not known locally")
        return created.attrs[attribute]

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name]))
            if "." in name:
                return self._get_att(*name.split(".", 1))
            return str(self._ref(name))

        return _SUB_VAR.sub(value, text).replace("${!", "${")

    def _function(self, name: str, arg: Any) -> Any:
        if name == "Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            return self._sub(text, variables)
        if name == "GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self._get_att(logical_id, attribute)
        args = self.resolve(arg)
        if name == "Join":
            return args[0].join(str(part) for part in args[1])
        if name == "Select":
            return args[1][int(args[0])]
        if name == "Split":
            return args[1].split(args[0])
        raise ValueError(f"Fn::{name} is not supported by the local stack")
