"""Pytrees as ``torch.utils._pytree`` has them: nested tuples, lists, dicts, OrderedDicts, defaultdicts, namedtuples
and ``None`` flattened into a list of leaves plus a ``TreeSpec`` that rebuilds the structure. ``rtorch.func`` maps
its transforms over these; libraries written for PyTorch import the same names."""
from __future__ import annotations

from collections import OrderedDict, defaultdict
from typing import Any, Callable, NamedTuple

__all__ = ["PyTree", "TreeSpec", "LeafSpec", "register_pytree_node", "tree_flatten", "tree_unflatten",
           "tree_leaves", "tree_structure", "tree_map", "tree_map_only", "tree_all", "tree_any", "treespec_pprint",
           "is_namedtuple", "is_namedtuple_class", "is_namedtuple_instance"]

PyTree = Any


class _Node(NamedTuple):
    flatten: Callable[[Any], tuple]          # node -> (children, context)
    unflatten: Callable[[list, Any], Any]    # (children, context) -> node


SUPPORTED_NODES: dict[type, _Node] = {}


def register_pytree_node(cls, flatten_fn, unflatten_fn, *, serialized_type_name=None, to_dumpable_context=None,
                         from_dumpable_context=None, flatten_with_keys_fn=None):
    """Make instances of ``cls`` pytree nodes: ``flatten_fn(node) -> (children, context)`` and
    ``unflatten_fn(children, context) -> node``. Registering a class twice raises ``ValueError`` as PyTorch does."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    SUPPORTED_NODES[cls] = _Node(flatten_fn, unflatten_fn)


def is_namedtuple_class(cls) -> bool:
    """Whether ``cls`` is a namedtuple class (a tuple subclass with ``_fields``)."""
    return isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple)


def is_namedtuple_instance(obj) -> bool:
    """Whether ``obj`` is a namedtuple instance."""
    return is_namedtuple_class(type(obj))


is_namedtuple = is_namedtuple_instance


def _dict_flatten(d):
    return list(d.values()), list(d.keys())


def _defaultdict_flatten(d):
    return list(d.values()), (d.default_factory, list(d.keys()))


register_pytree_node(tuple, lambda t: (list(t), None), lambda c, _: tuple(c))
register_pytree_node(list, lambda t: (list(t), None), lambda c, _: list(c))
register_pytree_node(dict, _dict_flatten, lambda c, keys: dict(zip(keys, c)))
register_pytree_node(OrderedDict, _dict_flatten, lambda c, keys: OrderedDict(zip(keys, c)))
register_pytree_node(defaultdict, _defaultdict_flatten,
                     lambda c, ctx: defaultdict(ctx[0], zip(ctx[1], c)))
register_pytree_node(type(None), lambda _: ([], None), lambda c, _: None)


def _node_of(tree):
    cls = type(tree)
    if cls in SUPPORTED_NODES:
        return cls, SUPPORTED_NODES[cls]
    if is_namedtuple_class(cls):
        return cls, _Node(lambda t: (list(t), cls), lambda c, k: k(*c))
    return None, None


class TreeSpec:
    """The structure of a pytree: the node type, its context (dict keys, namedtuple class) and the child specs."""

    def __init__(self, type, context, children_specs):
        self.type, self.context, self.children_specs = type, context, list(children_specs)
        self.num_nodes = 1 + sum(s.num_nodes for s in self.children_specs)
        self.num_leaves = sum(s.num_leaves for s in self.children_specs)
        self.num_children = len(self.children_specs)

    def is_leaf(self) -> bool:
        """Whether this spec is a single leaf."""
        return False

    def unflatten(self, leaves):
        """Rebuild the tree from ``leaves`` (``tree_unflatten(leaves, self)``)."""
        return tree_unflatten(leaves, self)

    def flatten_up_to(self, tree) -> list:
        """The subtrees of ``tree`` at this spec's leaves (``tree`` must have this spec as a prefix)."""
        out: list = []
        _flatten_up_to(self, tree, out)
        return out

    def __eq__(self, other):
        return (isinstance(other, TreeSpec) and type(self) is type(other) and self.type is other.type
                and self.context == other.context and self.children_specs == other.children_specs)

    def __hash__(self):
        return hash((self.type, self.num_leaves))

    def __repr__(self):
        name = getattr(self.type, "__name__", str(self.type))
        return f"TreeSpec({name}, {self.context!r}, [{', '.join(map(repr, self.children_specs))}])"


class LeafSpec(TreeSpec):
    """The spec of a single leaf."""

    def __init__(self):
        super().__init__(None, None, [])
        self.num_nodes, self.num_leaves = 1, 1

    def is_leaf(self) -> bool:
        return True

    def __repr__(self):
        return "*"


_LEAF = LeafSpec()


def tree_flatten(tree, is_leaf: Callable[[Any], bool] | None = None) -> tuple[list, TreeSpec]:
    """Flatten ``tree`` into ``(leaves, spec)``; ``is_leaf(node)`` returning True stops the descent there."""
    leaves: list = []

    def go(node):
        if is_leaf is not None and is_leaf(node):
            leaves.append(node)
            return _LEAF
        cls, handler = _node_of(node)
        if handler is None:
            leaves.append(node)
            return _LEAF
        children, context = handler.flatten(node)
        return TreeSpec(cls, context, [go(c) for c in children])

    spec = go(tree)
    return leaves, spec


def tree_unflatten(leaves, treespec: TreeSpec):
    """Rebuild a pytree of ``treespec``'s structure from ``leaves`` (as many as the spec has)."""
    if not isinstance(treespec, TreeSpec):
        raise TypeError(f"tree_unflatten(leaves, treespec): Expected `treespec` to be instance of TreeSpec but got "
                        f"item of type {type(treespec)}.")
    leaves = list(leaves)
    if len(leaves) != treespec.num_leaves:
        raise ValueError(f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers to a "
                         f"pytree that holds {treespec.num_leaves} items ({treespec}).")
    it = iter(leaves)

    def go(spec):
        if spec.is_leaf():
            return next(it)
        children = [go(s) for s in spec.children_specs]
        handler = SUPPORTED_NODES.get(spec.type)
        if handler is None:  # a namedtuple class
            return spec.type(*children)
        return handler.unflatten(children, spec.context)

    return go(treespec)


def _flatten_up_to(spec, tree, out):
    if spec.is_leaf():
        out.append(tree)
        return
    cls, handler = _node_of(tree)
    if handler is None or cls is not spec.type:
        raise ValueError(f"Node type mismatch; expected {spec.type}, but got {type(tree)}.")
    children, context = handler.flatten(tree)
    if len(children) != spec.num_children or (isinstance(context, list) and context != spec.context):
        raise ValueError(f"Node arity or keys mismatch; expected {spec.context!r} with {spec.num_children} "
                         f"children, but got {context!r} with {len(children)}.")
    for s, c in zip(spec.children_specs, children):
        _flatten_up_to(s, c, out)


def tree_leaves(tree, is_leaf=None) -> list:
    """The leaves of ``tree`` in flattening order."""
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree, is_leaf=None) -> TreeSpec:
    """The ``TreeSpec`` of ``tree``."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(func, tree, *rests, is_leaf=None):
    """``func`` applied leafwise to ``tree`` (and to the matching subtrees of ``rests``), in ``tree``'s structure."""
    leaves, spec = tree_flatten(tree, is_leaf)
    others = [spec.flatten_up_to(r) for r in rests]
    return tree_unflatten([func(*xs) for xs in zip(leaves, *others)], spec)


def tree_map_only(type_or_types, func, tree, is_leaf=None):
    """``tree_map`` applying ``func`` only to leaves that are instances of ``type_or_types``."""
    return tree_map(lambda x: func(x) if isinstance(x, type_or_types) else x, tree, is_leaf=is_leaf)


def tree_all(pred, tree, is_leaf=None) -> bool:
    """Whether ``pred`` holds for every leaf."""
    return all(map(pred, tree_leaves(tree, is_leaf)))


def tree_any(pred, tree, is_leaf=None) -> bool:
    """Whether ``pred`` holds for some leaf."""
    return any(map(pred, tree_leaves(tree, is_leaf)))


def treespec_pprint(treespec: TreeSpec) -> str:
    """A short text form of ``treespec`` (``*`` marks a leaf)."""
    return repr(treespec)

