from .product_lines import ProductLine

__all__ = ["ProductLine"]
