"""A static scan of chalicelib for what the HTTP routes read and raise (for the OpenAPI test).

Error codes: every `DomainError` subclass built with a code (a literal, a module constant, a
parameter the callers fill with literals, or `f"invalid_{name}"` with `name` such a
parameter), and every `error_response(status, "code", ...)`. Calls are followed by simple
name over the whole package, which over-approximates where two functions share a name.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chalicelib.domain import errors

PACKAGE = Path(__file__).resolve().parents[2] / "chalicelib"
HTTP = PACKAGE / "entrypoints" / "http"
RAISERS = {
    cls.__name__: cls.status
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.DomainError)
}
# Names of functions that read one query parameter from their first string argument.
PARAM_READERS = {"_query", "_value", "_choice", "_whole", "_iso"}


@dataclass
class Function:
    """What one function raises itself, and the functions it calls (qualified names)."""

    node: ast.FunctionDef
    module: str
    codes: set[tuple[str, int]] = field(default_factory=set)
    pending: set[tuple[str, int, int]] = field(default_factory=set)  # prefix, status, index
    calls: set[str] = field(default_factory=set)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = alias.name
    return names


def _constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _code_of(arg: ast.expr, params: list[str], constants: dict[str, str]) -> tuple[str, int]:
    """(code, -1) for a known code; (prefix, parameter index) when a caller supplies it."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value, -1
    if isinstance(arg, ast.Name) and arg.id in params:
        return "", params.index(arg.id)
    if isinstance(arg, ast.Name) and arg.id in constants:
        return constants[arg.id], -1
    if isinstance(arg, ast.JoinedStr) and len(arg.values) == 2:
        prefix, value = arg.values
        if (isinstance(prefix, ast.Constant) and isinstance(value, ast.FormattedValue)
                and isinstance(value.value, ast.Name) and value.value.id in params):
            return str(prefix.value), params.index(value.value.id)
    raise AssertionError(f"an error code the scan cannot read: {ast.unparse(arg)}")


def _raised(call: ast.Call) -> tuple[ast.expr, int] | None:
    name = _called_name(call)
    if name in RAISERS and call.args:
        return call.args[0], RAISERS[name]
    if name == "error_response" and len(call.args) >= 2:
        status = call.args[0]
        if isinstance(status, ast.Constant) and isinstance(status.value, int):
            return call.args[1], status.value
    return None


def _defined(tree: ast.Module, module: str) -> Iterator[tuple[str, ast.FunctionDef]]:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            yield f"{module}.{node.name}", node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{module}.{node.name}.{item.name}", item


class Scan:
    """Every function of chalicelib, its own codes, and its calls resolved where they can be:
    module functions through the imports; a method call on an object to every method of
    that name (an over-approximation). The composition root is not followed."""

    def __init__(self) -> None:
        self.table: dict[str, Function] = {}
        self._sites: list[tuple[ast.Call, str]] = []
        modules = [(_module_name(p), ast.parse(p.read_text(encoding="utf-8")))
                   for p in sorted(PACKAGE.rglob("*.py"))]
        for module, tree in modules:
            for key, node in _defined(tree, module):
                self.table[key] = Function(node, module)
        self._methods: dict[str, set[str]] = {}
        for key in self.table:
            if key.count(".") > self.table[key].module.count(".") + 1:
                self._methods.setdefault(key.rsplit(".", 1)[1], set()).add(key)
        for module, tree in modules:
            self._read_module(module, tree)
        self._fill_pending()

    def _read_module(self, module: str, tree: ast.Module) -> None:
        imports, constants = _imports(tree, module), _constants(tree)
        for key, node in _defined(tree, module):
            function = self.table[key]
            params = [a.arg for a in node.args.args]
            shielded = _shielded(node)
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                if id(call) in shielded:
                    continue
                function.calls |= self._resolve(call, module, imports)
                self._sites.append((call, key))
                raised = _raised(call)
                if raised is None or _is_domain_error_init(node):
                    continue
                code, index = _code_of(raised[0], params, constants)
                if index < 0:
                    function.codes.add((code, raised[1]))
                else:
                    function.pending.add((code, raised[1], index))

    def _resolve(self, call: ast.Call, module: str, imports: dict[str, str]) -> set[str]:
        found: set[str] = set()
        func = call.func
        if isinstance(func, ast.Name):
            found = {f"{module}.{func.id}", imports.get(func.id, "")}
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            found = {f"{imports.get(func.value.id, '')}.{func.attr}"}
        keys = {k for k in found if k in self.table}
        if not keys and isinstance(func, ast.Attribute):
            keys = self._methods.get(func.attr, set())
        return {k for k in keys if not k.startswith("chalicelib.bootstrap.")}

    def _fill_pending(self) -> None:
        """A code a caller supplies: each literal passed at that position; a caller passing
        its own parameter on supplies it in turn (until nothing new is learnt)."""
        changed = True
        while changed:
            changed = False
            for call, caller in self._sites:
                for callee in self.table[caller].calls:
                    if _called_name(call) != callee.rsplit(".", 1)[1]:
                        continue
                    for prefix, status, index in list(self.table[callee].pending):
                        if len(call.args) > index:
                            changed |= self._supply(call.args[index], prefix, status, caller)

    def _supply(self, arg: ast.expr, prefix: str, status: int, caller: str) -> bool:
        target = self.table[caller]
        before = (len(target.codes), len(target.pending))
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            target.codes.add((prefix + arg.value, status))
        params = [a.arg for a in target.node.args.args]
        if isinstance(arg, ast.Name) and arg.id in params:
            target.pending.add((prefix, status, params.index(arg.id)))
        return before != (len(target.codes), len(target.pending))

    def all_codes(self) -> set[tuple[str, int]]:
        """Every (code, status) raised anywhere in chalicelib."""
        return {c for f in self.table.values() for c in f.codes}

    def reachable(self, start: str) -> set[tuple[str, int]]:
        """The codes `start` and every function it calls, transitively, can raise."""
        seen, todo, codes = {start}, [start], set()
        while todo:
            function = self.table[todo.pop()]
            codes |= function.codes
            for callee in function.calls - seen:
                seen.add(callee)
                todo.append(callee)
        return codes


def _shielded(node: ast.FunctionDef) -> set[int]:
    """Calls inside a `try` that catches DomainError: what they raise never leaves."""
    calls: set[int] = set()
    for block in (n for n in ast.walk(node) if isinstance(n, ast.Try)):
        if any(isinstance(h.type, ast.Name) and h.type.id == "DomainError"
               for h in block.handlers):
            calls |= {id(c) for stmt in block.body for c in ast.walk(stmt)
                      if isinstance(c, ast.Call)}
    return calls


def _is_domain_error_init(node: ast.FunctionDef) -> bool:
    return node.name == "__init__" and any(a.arg == "code" for a in node.args.args)


@dataclass(frozen=True)
class Handler:
    """A route handler as written: its path, methods, name and the query parameters it reads."""

    path: str
    methods: tuple[str, ...]
    function: str  # qualified: chalicelib.entrypoints.http.routes.health
    params: frozenset[str]


def _route_decorator(node: ast.FunctionDef) -> tuple[str, tuple[str, ...]] | None:
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and _called_name(decorator) == "route":
            path = ast.literal_eval(decorator.args[0])
            methods = next((ast.literal_eval(k.value) for k in decorator.keywords
                            if k.arg == "methods"), ["GET"])
            return path, tuple(methods)
    return None


def params_read(node: ast.AST) -> set[str]:
    """Query parameters named in `_query("x")`, `<params>.get("x")`, `_value(params, "x")`."""
    names = set()
    for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
        name = _called_name(call)
        literal = [a.value for a in call.args if isinstance(a, ast.Constant)
                   and isinstance(a.value, str)]
        if not literal:
            continue
        if name in PARAM_READERS or (name == "get" and _reads_params(call)):
            names.add(literal[0])
    return names


def _reads_params(call: ast.Call) -> bool:
    target = call.func.value if isinstance(call.func, ast.Attribute) else None
    text = ast.unparse(target) if target is not None else ""
    return "params" in text or "query_params" in text


def handlers() -> list[Handler]:
    """Every route handler in the HTTP entrypoints."""
    found = []
    for path in sorted(HTTP.glob("*.py")):
        module = _module_name(path)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and (route := _route_decorator(node)):
                found.append(Handler(route[0], route[1], f"{module}.{node.name}",
                                     frozenset(params_read(node))))
    return found


def module_params(*relative: str) -> set[str]:
    """Query parameters read in whole modules (where a handler hands its params over)."""
    names: set[str] = set()
    for name in relative:
        names |= params_read(ast.parse((PACKAGE / name).read_text(encoding="utf-8")))
    return names
