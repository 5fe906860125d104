from .keys import CustomerKeyBase, KeyKind

__all__ = ["CustomerKeyBase", "KeyKind"]
