# Seed 003's job poller: submit a job, poll its status every `wait_time`
# seconds, and finish when it has failed or succeeded.
from stepforge import Choice, Condition, Fail, StateMachine, Task, Wait


def build() -> StateMachine:
    submit_job = Task(
        "Submit Job",
        resource="arn:aws:lambda:us-east-1:123456789012:function:SubmitJob",
        result_path="$.guid",
    )
    wait_x = Wait("Wait X Seconds", seconds_path="$.wait_time")
    get_status = Task(
        "Get Job Status",
        resource="arn:aws:lambda:us-east-1:123456789012:function:CheckJob",
        input_path="$.guid",
        result_path="$.status",
    )
    job_failed = Fail("Job Failed", cause="AWS Batch Job Failed", error="DescribeJob returned FAILED")
    final_status = Task(
        "Get Final Job Status",
        resource="arn:aws:lambda:us-east-1:123456789012:function:CheckJob",
        input_path="$.guid",
    )
    is_complete = (
        Choice("Job Complete?")
        .when(Condition.string_equals("$.status", "FAILED"), job_failed)
        .when(Condition.string_equals("$.status", "SUCCEEDED"), final_status)
        .otherwise(wait_x)
    )
    definition = submit_job.next(wait_x).next(get_status).next(is_complete)
    return StateMachine(definition, timeout_seconds=300)
