"""CDK constructs over stepforge's fragments (``pip install stepforge[cdk]``):
the only part of stepforge that imports ``aws-cdk-lib``.

- :class:`Semaphore` and :class:`SemaphoreGenerator`: both APIs of
  ``@dontirun/state-machine-semaphore``; code written for either synthesizes
  with only its import line changed. The states come from the core (the same
  definition ``stepforge semaphore`` prints), plus one lock table per stack,
  the cleanup machine and its EventBridge rule, and exactly the DynamoDB
  grants the states need, on the table's ARN.
- :class:`DynamoDbListMap`: seed 004's machine (GetItem of a list, a Map
  with MaxConcurrency, a Wait and a task per item, the machine's timeout)
  from a ``config.json``, with its table and exact grants.
- :class:`PhasedJob`: seed 002's phased job graph as a state machine, its
  jobs Lambda functions or any chainables.
- :func:`adapt`: the generic ASL-to-CDK adapter behind them.
"""

from ._adapter import Adapted, RawCondition, adapt
from ._map import DynamoDbListMap, PhasedJob
from ._semaphore import Semaphore, SemaphoreGenerator, SemaphoreLocks

__all__ = ["Adapted", "DynamoDbListMap", "PhasedJob", "RawCondition", "Semaphore", "SemaphoreGenerator", "SemaphoreLocks", "adapt"]
