"""Distributed Map runs from Python: the Map Run, its child executions and
its history events, read like DescribeMapRun / ListMapRuns / ListExecutions
(https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeMapRun.html)."""

from __future__ import annotations

import pytest

import stepforge
from stepforge import ExecutionError, World

DEFINITION = {
    "StartAt": "Each",
    "States": {
        "Each": {
            "Type": "Map",
            "Label": "nightly",
            "ToleratedFailureCount": 1,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Check",
                "States": {
                    "Check": {
                        "Type": "Choice",
                        "Choices": [{"Variable": "$", "NumericGreaterThan": 2, "Next": "Big"}],
                        "Default": "Ok",
                    },
                    "Big": {"Type": "Fail", "Error": "TooBig"},
                    "Ok": {"Type": "Pass", "Parameters": {"id.$": "$$.Execution.Id"}, "End": True},
                },
            },
            "End": True,
        }
    },
}


def test_map_run_is_described_and_its_children_listed():
    w = World(seed=1)
    w.register("Orders", DEFINITION)
    arn = w.start_execution("Orders", [1, 2, 3], name="parent")
    w.run_until_idle()
    parent = w.execution(arn)
    assert parent.status == "SUCCEEDED"
    kinds = [e["type"] for e in parent.history()]
    assert kinds[kinds.index("MapStateStarted") :][:3] == ["MapStateStarted", "MapRunStarted", "MapRunSucceeded"]
    assert "MapIterationStarted" not in kinds

    runs = stepforge.list_map_runs(w, arn)["mapRuns"]
    assert len(runs) == 1
    run_arn = runs[0]["mapRunArn"]
    assert run_arn.startswith("arn:aws:states:us-east-1:123456789012:mapRun:Orders/nightly:")
    described = stepforge.describe_map_run(w, run_arn)
    assert described["status"] == "SUCCEEDED"
    assert described["toleratedFailureCount"] == 1
    assert described["itemCounts"]["succeeded"] == 2
    assert described["itemCounts"]["failed"] == 1
    assert described["executionCounts"]["total"] == 3

    children = stepforge.list_map_run_executions(w, run_arn)["executions"]
    assert [c["itemCount"] for c in children] == [1, 1, 1]
    failed = stepforge.list_map_run_executions(w, run_arn, "FAILED")["executions"]
    assert len(failed) == 1 and failed[0]["mapRunArn"] == run_arn
    # Each child is an execution of its own: $$.Execution.Id is the child's ARN.
    first = w.execution(children[0]["executionArn"])
    assert first.output == {"id": first.arn}
    assert first.describe()["mapRunArn"] == run_arn


def test_unknown_arns_raise_execution_error():
    w = World(seed=1)
    with pytest.raises(ExecutionError) as e:
        stepforge.describe_map_run(w, "arn:aws:states:us-east-1:123456789012:mapRun:Nope/x:y")
    assert e.value.code == "ResourceNotFound"
    with pytest.raises(ExecutionError) as e:
        stepforge.list_map_runs(w, "arn:aws:states:us-east-1:123456789012:execution:Nope:x")
    assert e.value.code == "ExecutionDoesNotExist"
