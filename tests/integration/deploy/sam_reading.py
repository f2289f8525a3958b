"""Read a packaged SAM template the way SAM and CloudFormation will (Globals, refs, roles)."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

FUNCTION = "AWS::Serverless::Function"
_SUB_NAME = re.compile(r"\$\{([^}!][^}]*)\}")
_FUNCTIONS = {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::If", "Fn::Select"}


def _intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)) in _FUNCTIONS


def merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM's rule: maps merge key by key, lists concatenate, otherwise the function's wins."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        if _intrinsic(global_value) or _intrinsic(local_value):
            return local_value
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in merged else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def functions(template: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every function's properties as deployed, Globals merged in."""
    defaults = template.get("Globals", {}).get("Function", {})
    return {
        name: merge_globals(defaults, body.get("Properties", {}))
        for name, body in template["Resources"].items()
        if body["Type"] == FUNCTION
    }


def target(value: Any) -> str:
    """One spelling for Ref / GetAtt / Sub values: `${Queue.Arn}`, `${Bucket}/x/*`, 'text'."""
    if isinstance(value, str):
        return value
    ((key, arg),) = value.items()
    if key == "Ref":
        return "${" + arg + "}"
    if key == "Fn::GetAtt":
        return "${" + ".".join(arg) + "}"
    if key == "Fn::Sub" and isinstance(arg, str):
        return arg
    raise AssertionError(f"unexpected value {value!r}")


def references(node: Any) -> set[str]:
    """Logical ids (and parameters) a value points at through Ref, Fn::GetAtt or Fn::Sub."""
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("Ref"), str):
            found.add(node["Ref"])
        if "Fn::GetAtt" in node:
            found.add(node["Fn::GetAtt"][0])
        if "Fn::Sub" in node:
            text = node["Fn::Sub"] if isinstance(node["Fn::Sub"], str) else node["Fn::Sub"][0]
            found.update(name.split(".")[0] for name in _SUB_NAME.findall(text))
        for value in node.values():
            found |= references(value)
    elif isinstance(node, list):
        for value in node:
            found |= references(value)
    return found


def dependency_graph(template: Mapping[str, Any]) -> dict[str, set[str]]:
    """Resource -> resources it needs first (one node per SAM resource, as before transform)."""
    resources = template["Resources"]
    merged = functions(template)
    graph: dict[str, set[str]] = {}
    for name, body in resources.items():
        depends_on = body.get("DependsOn", [])
        explicit = {depends_on} if isinstance(depends_on, str) else set(depends_on)
        properties = merged.get(name, body.get("Properties", {}))
        graph[name] = (references(properties) | explicit) & resources.keys()
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A dependency cycle as a path of names, or None."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for dependency in sorted(graph.get(name, ())):
            cycle = visit(dependency, [*path, name])
            if cycle:
                return cycle
        done.add(name)
        return None

    for name in sorted(graph):
        cycle = visit(name, [])
        if cycle:
            return cycle
    return None


def _evaluate(node: Any, template: Mapping[str, Any], values: Mapping[str, str]) -> Any:
    if not isinstance(node, dict):
        return node
    ((key, arg),) = node.items()
    if key == "Ref":
        return values[arg]
    if key == "Condition":
        return _evaluate(template["Conditions"][arg], template, values)
    args = [_evaluate(item, template, values) for item in arg]
    if key == "Fn::Equals":
        return args[0] == args[1]
    if key == "Fn::Not":
        return not args[0]
    if key in ("Fn::And", "Fn::Or"):
        return all(args) if key == "Fn::And" else any(args)
    raise AssertionError(f"unexpected condition function {key}")


def conditions(
    template: Mapping[str, Any], parameters: Mapping[str, str] | None = None
) -> dict[str, bool]:
    """Each template condition's value for these parameters (the rest at their Default)."""
    values = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    values.update(parameters or {})
    found = template.get("Conditions", {})
    return {name: bool(_evaluate(body, template, values)) for name, body in found.items()}


def choose(node: Any, truth: Mapping[str, bool]) -> Any:
    """`node` with every Fn::If replaced by its chosen branch (AWS::NoValue dropped)."""
    if isinstance(node, list):
        chosen = [choose(item, truth) for item in node]
        return [item for item in chosen if item != {"Ref": "AWS::NoValue"}]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::If"}:
        name, when_true, when_false = node["Fn::If"]
        return choose(when_true if truth[name] else when_false, truth)
    picked = {key: choose(value, truth) for key, value in node.items()}
    return {key: value for key, value in picked.items() if value != {"Ref": "AWS::NoValue"}}


def role_statements(
    template: Mapping[str, Any], function: str, parameters: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The IAM statements of the role a function runs as, for these stack parameters."""
    resources = template["Resources"]
    role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
    truth = conditions(template, parameters)
    # Inline policies (Chalice's) and AWS::IAM::Policy resources attached to the role (ours),
    # those a false Condition leaves out of the stack excepted.
    attached = [
        body["Properties"]
        for body in resources.values()
        if body["Type"] == "AWS::IAM::Policy"
        and {"Ref": role} in body["Properties"]["Roles"]
        and truth.get(body.get("Condition", ""), True)
    ]
    policies = choose([*resources[role]["Properties"]["Policies"], *attached], truth)
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def allowed(statements: Iterable[Mapping[str, Any]], action: str, resource: str) -> bool:
    """Whether some Allow statement covers this action on this resource (IAM wildcards too)."""
    return any(
        s["Effect"] == "Allow"
        and any(fnmatchcase(action, granted) for granted in _as_list(s["Action"]))
        and any(fnmatchcase(resource, target(r)) for r in _as_list(s["Resource"]))
        for s in statements
    )


def _rule_prefix(rule: Mapping[str, Any]) -> str:
    return str(rule.get("Prefix") or rule.get("Filter", {}).get("Prefix") or "")


def _rule_actions(rule: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """(kind, value) for each thing one lifecycle rule does."""
    actions: list[tuple[str, Any]] = []
    if "ExpirationInDays" in rule:
        actions.append(("expire", rule["ExpirationInDays"]))
    if "NoncurrentVersionExpiration" in rule:
        actions.append(("noncurrent", rule["NoncurrentVersionExpiration"]["NoncurrentDays"]))
    if rule.get("ExpiredObjectDeleteMarker"):
        actions.append(("lone_markers", True))
    if "AbortIncompleteMultipartUpload" in rule:
        actions.append(("abort", rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]))
    for transition in rule.get("Transitions", []):
        actions.append(("transition", (transition["StorageClass"], transition["TransitionInDays"])))
    return actions


def lifecycle(bucket: Mapping[str, Any], key: str) -> dict[str, list[Any]]:
    """What the bucket's enabled lifecycle rules do to `key`, by kind of action.

    Kinds: expire (days of a current version), noncurrent (days of a noncurrent one),
    lone_markers (delete markers with nothing behind them go), abort (days of an unfinished
    multipart upload), transition ((storage class, days)). A kind two rules set lists both.
    """
    found: dict[str, list[Any]] = {}
    for rule in bucket["LifecycleConfiguration"]["Rules"]:
        if rule["Status"] == "Enabled" and key.startswith(_rule_prefix(rule)):
            for kind, value in _rule_actions(rule):
                found.setdefault(kind, []).append(value)
    return found


# CloudFront's `cloudfront` module, as far as our functions use it: which origin was chosen.
_FAKE_CF = (
    "const cf = { chosen: null, selectRequestOriginById(id) { cf.chosen = id; } };\n"
)
_CF_IMPORT = "import cf from 'cloudfront';"


def run_viewer_requests(
    code: str, requests: list[tuple[str, str]], workdir: Path
) -> list[tuple[Any, str | None]]:
    """Run CloudFront Function `code` under node on each (uri, user agent); for each, the URI
    it forwards (or the status it answers with) and the origin id it chose, if any."""
    harness = workdir / "viewer_function.js"
    harness.write_text(
        _FAKE_CF + code.replace(_CF_IMPORT, "")
        + "\nconst asked = JSON.parse(process.argv[2]);\n"
        + "console.log(JSON.stringify(asked.map(([uri, agent]) => {\n"
        + "  cf.chosen = null;\n"
        + "  const headers = agent ? { 'user-agent': { value: agent } } : {};\n"
        + "  const out = handler({ request: { uri: uri, headers: headers } });\n"
        + "  return [out.statusCode || out.uri, cf.chosen];\n})));\n"
    )
    result = subprocess.run(
        ["node", str(harness), json.dumps(requests)], capture_output=True, text=True, check=True
    )
    return [(out, chosen) for out, chosen in json.loads(result.stdout)]


def run_viewer_function(code: str, uris: list[str], workdir: Path) -> list[Any]:
    """Run CloudFront Function `code` under node on each viewer URI; the URI it forwards, or
    the status code when it answers itself."""
    return [out for out, _ in run_viewer_requests(code, [(uri, "") for uri in uris], workdir)]
