from .conflicts import CustomerKey, CustomerName
from .registrations import MONEY, Registration, RegistrationProduct
from .rules import CrossRegionRule, ProtectionRule

__all__ = [
    "MONEY",
    "CrossRegionRule",
    "CustomerKey",
    "CustomerName",
    "ProtectionRule",
    "Registration",
    "RegistrationProduct",
]
