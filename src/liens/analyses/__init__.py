"""Analyses: pure functions over tables, run in this order by `liens analyze`.

Each step reads the inputs and what earlier steps added (e.g. `is_authentic` before the community
metrics use it) and returns result tables; see `base.py` for the contract.
"""

from . import audience, business, community, conversation, core, pods
from .base import Context, Output, Step, TableOutput

STEPS: list[Step] = [core.STEP, pods.STEP, audience.STEP, conversation.STEP, community.STEP, business.STEP]

__all__ = ["STEPS", "Context", "Output", "Step", "TableOutput"]
