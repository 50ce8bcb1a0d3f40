// Seed 003's "What color is it?": branch on a value, then join the branches
// with `afterwards()` and go on as one.
use stepforge::Problems;
use stepforge::builder::*;

pub fn build() -> Result<StateMachine, Problems> {
    let handle_blue = Pass::new("Handle Blue Item");
    let handle_red = Pass::new("Handle Red Item");
    let handle_other = Pass::new("Handle Other Item Color");
    let ship = Task::new("Ship the Item").resource("arn:aws:lambda:us-east-1:123456789012:function:ship");
    let choice = Choice::new("What color is it?")
        .when(Condition::string_equals("$.color", "BLUE"), &handle_blue)
        .when(Condition::string_equals("$.color", "RED"), &handle_red)
        .otherwise(&handle_other)?;
    choice.afterwards(false)?.next(&ship)?;
    Ok(StateMachine::new(&choice))
}
