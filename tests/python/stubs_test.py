"""The checked-in stubs (aliasroute/_aliasroute.pyi) list exactly what the
built _aliasroute module exports: every public name, class, method, property
and function, nothing more."""

import ast
import inspect
from pathlib import Path

import aliasroute
from aliasroute import _aliasroute

STUB = Path(aliasroute.__file__).parent / "_aliasroute.pyi"

# Dunders that count as API when a class defines them itself.
API_DUNDERS = {"__init__", "__eq__", "__ne__", "__hash__", "__len__", "__copy__",
               "__deepcopy__"}


def stub_tree():
    return ast.parse(STUB.read_text())


def stub_names(tree):
    """Top-level public names of the stub -> ast node."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = node
    return {n: v for n, v in names.items() if not n.startswith("_")}


def stub_members(cls_node):
    members = set()
    for node in cls_node.body:
        if isinstance(node, ast.FunctionDef):
            members.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            members.add(node.target.id)
    return {m for m in members if not m.startswith("_") or m in API_DUNDERS}


def module_names():
    return {n for n in dir(_aliasroute) if not n.startswith("_")}


def class_members(cls):
    members = set()
    for name, value in vars(cls).items():
        if name.startswith("_"):
            # pybind11 puts __init__ on every class (raising "No constructor
            # defined" when none is bound); count only real ones.
            if name == "__init__" and type(value).__name__ != "instancemethod":
                continue
            if name == "__hash__" and value is None:
                continue
            if name not in API_DUNDERS:
                continue
        members.add(name)
    return members


def test_every_module_name_is_in_the_stub_and_back():
    stub = set(stub_names(stub_tree()))
    module = module_names()
    assert sorted(module - stub) == [], "missing from the stub"
    assert sorted(stub - module) == [], "in the stub but not in the module"


def test_kinds_agree():
    for name, node in stub_names(stub_tree()).items():
        obj = getattr(_aliasroute, name)
        if isinstance(node, ast.ClassDef):
            assert inspect.isclass(obj), name
        elif isinstance(node, ast.FunctionDef):
            assert callable(obj) and not inspect.isclass(obj), name
        else:
            assert not callable(obj), name


def test_class_members_agree():
    problems = []
    for name, node in stub_names(stub_tree()).items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_aliasroute, name)
        if issubclass(cls, BaseException):
            continue  # Exceptions: only the annotated attributes, below.
        stub = stub_members(node)
        real = class_members(cls)
        if hasattr(cls, "__members__"):  # pybind11 enum: values + name/value.
            real = {m for m in real if not m.startswith("_")}
            real |= set(cls.__members__) | {"name", "value"}
            stub = {m for m in stub if not m.startswith("_")}
        for m in sorted(real - stub):
            problems.append("%s.%s missing from the stub" % (name, m))
        for m in sorted(stub - real):
            problems.append("%s.%s in the stub but not in the module" % (name, m))
    assert problems == []


def test_static_methods_and_properties_agree():
    problems = []
    for name, node in stub_names(stub_tree()).items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_aliasroute, name)
        for item in node.body:
            if not isinstance(item, ast.FunctionDef) or item.name.startswith("_"):
                continue
            decorators = {d.id for d in item.decorator_list if isinstance(d, ast.Name)}
            raw = inspect.getattr_static(cls, item.name)
            if "staticmethod" in decorators and not isinstance(raw, staticmethod):
                problems.append("%s.%s is not static" % (name, item.name))
            if "property" in decorators and not isinstance(raw, property):
                problems.append("%s.%s is not a property" % (name, item.name))
            if not decorators and isinstance(raw, (staticmethod, property)):
                problems.append("%s.%s is a %s" % (name, item.name, type(raw).__name__))
    assert problems == []


def test_exception_hierarchy_matches_the_stub():
    for name, node in stub_names(stub_tree()).items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_aliasroute, name)
        if not issubclass(cls, BaseException):
            continue
        bases = [b.id for b in node.bases]
        assert [b.__name__ for b in cls.__bases__] == bases, name


def test_function_parameters_match_the_stub():
    # pybind11 puts the signature in the first line of __doc__.
    problems = []
    for name, node in stub_names(stub_tree()).items():
        if not isinstance(node, ast.FunctionDef):
            continue
        doc = getattr(_aliasroute, name).__doc__ or ""
        sig = doc.split("\n", 1)[0]
        params = [a.arg for a in node.args.args + node.args.kwonlyargs]
        for p in params:
            if p + ":" not in sig:
                problems.append("%s: parameter %s not in %s" % (name, p, sig))
    assert problems == []


def test_the_checks_can_fail():
    # A stub that lacks a name is caught.
    tree = stub_tree()
    tree.body = [n for n in tree.body
                 if not (isinstance(n, ast.FunctionDef) and n.name == "sticky_point")]
    assert "sticky_point" in module_names() - set(stub_names(tree))
