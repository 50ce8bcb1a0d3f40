// Seed 003's job poller: submit a job, poll its status every `wait_time`
// seconds, and finish when it has failed or succeeded.
use stepforge::builder::*;
use stepforge::Problems;

pub fn build() -> Result<StateMachine, Problems> {
    let submit_job = Task::new("Submit Job")
        .resource("arn:aws:lambda:us-east-1:123456789012:function:SubmitJob")
        .result_path("$.guid");
    let wait_x = Wait::new("Wait X Seconds").seconds_path("$.wait_time");
    let get_status = Task::new("Get Job Status")
        .resource("arn:aws:lambda:us-east-1:123456789012:function:CheckJob")
        .input_path("$.guid")
        .result_path("$.status");
    let job_failed = Fail::new("Job Failed")
        .cause("AWS Batch Job Failed")
        .error("DescribeJob returned FAILED");
    let final_status = Task::new("Get Final Job Status")
        .resource("arn:aws:lambda:us-east-1:123456789012:function:CheckJob")
        .input_path("$.guid");
    let is_complete = Choice::new("Job Complete?")
        .when(Condition::string_equals("$.status", "FAILED"), &job_failed)
        .when(Condition::string_equals("$.status", "SUCCEEDED"), &final_status)
        .otherwise(&wait_x)?;
    let definition = submit_job.next(&wait_x)?.next(&get_status)?.next(&is_complete)?;
    Ok(StateMachine::new(&definition).timeout_seconds(300))
}
