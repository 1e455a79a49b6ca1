"""Analyses: pure functions over tables, run in this order by `liens analyze`.

Each step reads the inputs and what earlier steps added (e.g. `is_authentic` before the community
metrics use it) and returns result tables; see `base.py` for the contract.
"""

from .audience import audience
from .base import Context, Output, Step
from .business import business
from .community import community
from .conversation import conversation
from .core import core
from .pods import detect_pods

STEPS: list[Step] = [
    Step("core", core),
    Step("pods", detect_pods),
    Step("audience", audience),
    Step("conversation", conversation),
    Step("community", community),
    Step("business", business),
]

__all__ = ["STEPS", "Context", "Output", "Step"]
