"""Docstring inheritance for the overriding members of distributions and transforms."""
import types


def _doc_of(member):
    """The docstring of a function or property (None for plain class attributes such as ``sign = +1``)."""
    if isinstance(member, (staticmethod, classmethod)):
        member = member.__func__
    if isinstance(member, (property, types.FunctionType)):
        return member.__doc__
    return None


def inherit_docstrings(cls):
    """Gives each undocumented public method/property of ``cls`` the docstring of the base member it overrides."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or _doc_of(member) is not None:
            continue
        if not isinstance(member, (property, types.FunctionType, staticmethod, classmethod)):
            continue
        doc = next((d for base in cls.__mro__[1:] if (d := _doc_of(vars(base).get(name)))), None)
        if doc is None:
            continue
        if isinstance(member, (staticmethod, classmethod)):
            member.__func__.__doc__ = doc
        else:
            member.__doc__ = doc
