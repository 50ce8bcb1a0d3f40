"""CDK constructs over stepforge's fragments (``pip install stepforge[cdk]``):
the only part of stepforge that imports ``aws-cdk-lib``.

- :class:`Semaphore` and :class:`SemaphoreGenerator`: both APIs of
  ``@dontirun/state-machine-semaphore``; code written for either synthesizes
  with only its import line changed. The states come from the core (the same
  definition ``stepforge semaphore`` prints), plus one lock table per stack,
  the cleanup machine and its EventBridge rule, and exactly the DynamoDB
  grants the states need, on the table's ARN.
- :func:`adapt`: the generic ASL-to-CDK adapter behind them.
"""

from ._adapter import Adapted, RawCondition, adapt
from ._semaphore import Semaphore, SemaphoreGenerator, SemaphoreLocks

__all__ = ["Adapted", "RawCondition", "Semaphore", "SemaphoreGenerator", "SemaphoreLocks", "adapt"]
