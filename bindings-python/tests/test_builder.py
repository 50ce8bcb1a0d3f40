"""The builder: states, options, chaining, fragments, retries and catches."""

from __future__ import annotations

import gc
import json
import weakref

import pytest

from stepforge import (
    Chain,
    ChainError,
    Choice,
    Condition,
    Errors,
    Fail,
    Fragment,
    JsonPath,
    Map,
    Parallel,
    Pass,
    QueryLanguage,
    State,
    StateMachine,
    StateMachineFragment,
    Succeed,
    Task,
    ValidationError,
    Wait,
)

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def states_of(machine: StateMachine) -> dict:
    return machine.to_dict()["States"]


def codes(problems) -> list:
    return [p.code for p in problems]


# --- states and options ---------------------------------------------------


def test_every_state_class_is_a_state():
    for cls in (Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map):
        s = cls("S")
        assert isinstance(s, State)
        assert repr(s) == f"{cls.__name__}('S')"
    with pytest.raises(TypeError):
        State()  # the base class is not constructed directly


def test_name_can_be_read_and_changed():
    p = Pass("Before")
    p.name = "After"
    assert p.name == "After"
    assert list(states_of(StateMachine(p))) == ["After"]


def test_options_render_as_asl_fields():
    t = Task("T", resource=LAMBDA, timeout_seconds=30, heartbeat_seconds=10, comment="work")
    assert states_of(StateMachine(t))["T"] == {
        "Type": "Task",
        "Comment": "work",
        "Resource": LAMBDA,
        "TimeoutSeconds": 30,
        "HeartbeatSeconds": 10,
        "End": True,
    }


def test_unknown_option_is_a_type_error_listing_the_valid_ones():
    with pytest.raises(TypeError) as info:
        Pass("P", resource=LAMBDA)
    message = str(info.value)
    assert "`resource`" in message
    assert "comment, query_language, input_path, parameters, result, result_path" in message
    # Only the snake_case names: camelCase is the Node spelling.
    with pytest.raises(TypeError, match="resultPath"):
        Pass("P", resultPath="$.x")


def test_none_option_is_json_null():
    p = Pass("P", result_path=None)
    assert states_of(StateMachine(p))["P"]["ResultPath"] is None


def test_numbers_keep_their_value():
    p = Pass("P", result={"big": 10**30, "whole": 2.0, "half": 0.5, "neg": -7})
    text = StateMachine(p).to_json()
    assert '"big": 1000000000000000000000000000000' in text
    assert '"whole": 2,' in text  # a whole float renders like JavaScript's number
    assert states_of(StateMachine(p))["P"]["Result"] == {"big": 10**30, "whole": 2, "half": 0.5, "neg": -7}


def test_non_json_option_value_names_state_option_and_location():
    with pytest.raises(TypeError) as info:
        Pass("P", result={"ok": [1, {2, 3}]})
    assert "Pass('P')" in str(info.value)
    assert "`result`" in str(info.value)
    assert "/ok/1" in str(info.value)
    assert "set" in str(info.value)
    with pytest.raises(ValueError, match="not a JSON number"):
        Pass("P", result=float("nan"))


def test_invalid_option_values_are_reported_at_render_with_pointers():
    w = Wait("W", seconds=-5)
    problems = StateMachine(w).validate()
    assert problems and all(p.pointer.startswith("/States/W") for p in problems)
    with pytest.raises(ValidationError):
        StateMachine(w).to_json()


def test_query_language_constant():
    p = Pass("P", query_language=QueryLanguage.JSONATA, output={"x": "{% $states.input.x %}"})
    assert states_of(StateMachine(p))["P"]["QueryLanguage"] == "JSONata"
    m = StateMachine(Pass("Q", output="{% 1 %}"), query_language="JSONata")
    assert m.to_dict()["QueryLanguage"] == "JSONata"
    with pytest.raises(ValueError, match="JSONPath"):
        StateMachine(Pass("Q"), query_language="jsonata")


def test_state_machine_fields():
    m = StateMachine(Pass("P"), comment="c", timeout_seconds=60)
    d = m.to_dict()
    assert d["Comment"] == "c" and d["TimeoutSeconds"] == 60
    assert json.loads(m.to_json()) == d
    assert repr(m) == "StateMachine(start='P')"
    with pytest.raises(ValueError, match="timeout_seconds"):
        StateMachine(Pass("P"), timeout_seconds=-1)


# --- JsonPath in payloads ---------------------------------------------------


def test_json_path_values_make_dollar_keys():
    p = Pass(
        "P",
        parameters={
            "id": JsonPath.string_at("$.order.id"),
            "nested": {"token": JsonPath.TASK_TOKEN, "plain": "$.not.a.path"},
            "list": [JsonPath.number_at("$.a"), 1, "two"],
            "fmt": JsonPath.format("order {}", JsonPath.string_at("$.order.id")),
        },
        result_path=JsonPath.string_at("$.out"),
    )
    state = states_of(StateMachine(p))["P"]
    assert state["Parameters"] == {
        "id.$": "$.order.id",
        "nested": {"token.$": "$$.Task.Token", "plain": "$.not.a.path"},
        "list.$": "States.Array($.a, 1, 'two')",
        "fmt.$": "States.Format('order {}', $.order.id)",
    }
    assert state["ResultPath"] == "$.out"


def test_json_path_in_a_bare_list_is_a_validation_error():
    with pytest.raises(ValidationError) as info:
        Pass("P", parameters=[JsonPath.string_at("$.a")])
    assert codes(info.value.problems) == ["INVALID_DYNAMIC_VALUE"]
    assert info.value.problems[0].pointer == "/States/P/Parameters/0"  # the element itself


def test_invalid_path_is_reported_at_render():
    p = Pass("P", parameters={"x": JsonPath.string_at("$$$")})
    problems = StateMachine(p).validate()
    assert [p.pointer for p in problems] == ["/States/P/Parameters/x.$"]


# --- chaining ---------------------------------------------------------------


def test_next_returns_a_chain_with_the_same_objects():
    a, b, c = Pass("A"), Pass("B"), Pass("C")
    chain = a.next(b).next(c)
    assert isinstance(chain, Chain)
    assert chain.start_state is a
    assert chain.end_states == [c] and chain.end_states[0] is c
    assert repr(chain) == "Chain(start='A', ends=['C'])"
    assert list(states_of(StateMachine(chain))) == ["A", "B", "C"]


def test_chain_start_and_sequence():
    a, b, c = Pass("A"), Wait("B", seconds=1), Succeed("C")
    chain = Chain.start(a).next(b)
    assert chain.start_state is a and chain.end_states == [b]
    seq = Chain.sequence(Pass("X"), Pass("Y"), Chain.start(Pass("Z")))
    assert [s.name for s in seq.end_states] == ["Z"]
    assert list(states_of(StateMachine(seq))) == ["X", "Y", "Z"]
    full = chain.next(c)
    assert full.end_states == []
    with pytest.raises(ChainError) as info:
        Chain.sequence()
    assert codes(info.value.problems) == ["INVALID_CHAIN"]


def test_objects_survive_when_only_the_chain_holds_them():
    definition = Pass("A").next(Pass("B")).next(Pass("C"))
    gc.collect()
    assert definition.start_state.name == "A"
    assert [s.name for s in definition.end_states] == ["C"]
    assert type(definition.start_state) is Pass


def test_loops_are_garbage_collected():
    def make():
        a, b = Pass("A"), Pass("B")
        a.next(b)
        c = Choice("C").when(Condition.is_present("$.x"), a).otherwise(Succeed("D"))
        b.next(c)
        return weakref.ref(a)

    ref = make()
    gc.collect()
    assert ref() is None


def test_next_twice_is_a_chain_error():
    a = Pass("A")
    a.next(Pass("B"))
    with pytest.raises(ValidationError) as info:
        a.next(Pass("C"))
    assert isinstance(info.value, ChainError)
    assert codes(info.value.problems) == ["INVALID_CHAIN"]
    assert info.value.problems[0].pointer == "/States/A"
    # Linking to the same state again is fine.
    b = Pass("B2")
    x = Pass("X")
    x.next(b)
    x.next(b)


def test_next_after_a_terminal_state_is_a_chain_error():
    # As documented for INVALID_CHAIN: the same error as `next` after a chain
    # that ends in Succeed or Fail, pointing at the state, saying why.
    for cls, why in ((Succeed, "nothing can follow it"), (Fail, "nothing can follow it"), (Choice, "afterwards()")):
        state = cls("S")
        with pytest.raises(ChainError, match=f"`S` is a {cls.__name__} state") as info:
            state.next(Pass("P"))
        assert isinstance(info.value, ValidationError)
        assert [(p.code, p.pointer) for p in info.value.problems] == [("INVALID_CHAIN", "/States/S")]
        assert why in info.value.problems[0].message
    chain = Pass("A").next(Succeed("B"))
    with pytest.raises(ChainError, match="Succeed"):
        chain.next(Pass("C"))


def test_bad_chainable_argument_is_a_type_error():
    with pytest.raises(TypeError, match=r"Pass.next\(\).*got int"):
        Pass("A").next(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Condition"):
        Choice("C").when("$.x == 1", Pass("P"))  # type: ignore[arg-type]


def test_duplicate_state_names():
    a, b = Pass("Same"), Pass("Same")
    machine = StateMachine(a.next(b))
    with pytest.raises(ValidationError) as info:
        machine.to_json()
    assert [(p.code, p.pointer) for p in info.value.problems] == [("DUPLICATE_STATE_NAME", "/States/Same")]
    assert codes(machine.validate()) == ["DUPLICATE_STATE_NAME"]


def test_transition_out_of_a_parallel_branch():
    outside = Pass("Outside")
    inner = Pass("Inner")
    inner.next(outside)
    parallel = Parallel("P").branch(inner)
    parallel.next(outside)
    problems = StateMachine(parallel).validate()
    assert [(p.code, p.pointer) for p in problems] == [
        ("TRANSITION_OUT_OF_SCOPE", "/States/P/Branches/0/States/Inner/Next")
    ]


def test_infinite_loop_has_no_path_to_end():
    a, b = Pass("A"), Pass("B")
    a.next(b)
    b.next(a)
    choice = Choice("Start").when(Condition.boolean_equals("$.loop", True), a).otherwise(Succeed("Done"))
    problems = StateMachine(choice).validate()
    assert {(p.code, p.pointer) for p in problems} == {
        ("NO_PATH_TO_END", "/States/A"),
        ("NO_PATH_TO_END", "/States/B"),
    }
    # Without any terminal state at all, the scope itself is reported.
    x, y = Pass("X"), Pass("Y")
    x.next(y)
    y.next(x)
    assert "MISSING_TERMINAL_STATE" in codes(StateMachine(x).validate())


# --- Choice -------------------------------------------------------------------


def test_choice_rules_and_otherwise():
    yes, no = Succeed("Yes"), Fail("No", error="E")
    choice = (
        Choice("C")
        .when(Condition.number_greater_than("$.n", 10), yes, comment="big")
        .otherwise(no)
    )
    state = states_of(StateMachine(choice))["C"]
    assert state == {
        "Type": "Choice",
        "Choices": [{"Comment": "big", "Variable": "$.n", "NumericGreaterThan": 10, "Next": "Yes"}],
        "Default": "No",
    }
    with pytest.raises(ChainError):
        choice.otherwise(Succeed("Other"))


def test_choice_methods_return_the_same_object():
    c = Choice("C")
    assert c.when(Condition.is_present("$.a"), Pass("P")) is c
    assert c.otherwise(Pass("Q")) is c


def test_afterwards_joins_the_branches():
    blue, red = Pass("Blue"), Pass("Red").next(Pass("Red 2"))
    choice = Choice("Color").when(Condition.string_equals("$.c", "BLUE"), blue).when(
        Condition.string_equals("$.c", "RED"), red
    )
    after = choice.afterwards()
    assert after.start_state is choice
    assert [s.name for s in after.end_states] == ["Blue", "Red 2"]
    assert after.end_states[0] is blue
    after.next(Succeed("Done"))
    choice.otherwise(Succeed("Other"))
    states = states_of(StateMachine(choice))
    assert states["Blue"]["Next"] == "Done" and states["Red 2"]["Next"] == "Done"


def test_afterwards_include_otherwise():
    choice = Choice("C").when(Condition.is_null("$.x"), Pass("A"))
    after = choice.afterwards(include_otherwise=True)
    ends = after.end_states
    assert ends[0].name == "A"
    assert isinstance(ends[1], Chain) and ends[1].start_state is choice
    after.next(Succeed("Done"))
    states = states_of(StateMachine(choice))
    assert states["C"]["Default"] == "Done" and states["A"]["Next"] == "Done"
    with pytest.raises(ChainError, match="otherwise"):
        choice.afterwards(include_otherwise=True)


def test_when_with_assign_and_output():
    c = Choice("C", query_language="JSONata").when(
        Condition.jsonata("{% $x > 1 %}"), Succeed("S"), assign={"seen": True}, output={"y": 1}
    )
    c.otherwise(Succeed("T"))
    rule = states_of(StateMachine(c))["C"]["Choices"][0]
    assert rule == {"Condition": "{% $x > 1 %}", "Output": {"y": 1}, "Assign": {"seen": True}, "Next": "S"}


# --- Parallel and Map ---------------------------------------------------------


def test_parallel_branches():
    p = Parallel("P").branch(Pass("A"), Pass("B").next(Pass("C")))
    assert p.branch(Pass("D")) is p
    branches = states_of(StateMachine(p))["P"]["Branches"]
    assert [b["StartAt"] for b in branches] == ["A", "B", "D"]
    with pytest.raises(TypeError):
        p.branch()


def test_map_item_processor():
    m = Map("M", items_path="$.items", max_concurrency=3).item_processor(
        Task("Work", resource=LAMBDA), mode="DISTRIBUTED", execution_type="STANDARD"
    )
    state = states_of(StateMachine(m))["M"]
    assert state["ItemProcessor"]["ProcessorConfig"] == {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}
    assert state["ItemProcessor"]["StartAt"] == "Work"
    plain = Map("N").item_processor(Pass("X"))
    assert "ProcessorConfig" not in states_of(StateMachine(plain))["N"]["ItemProcessor"]
    with pytest.raises(ValueError, match="DISTRIBUTED"):
        Map("O").item_processor(Pass("Y"), mode="distributed")  # type: ignore[arg-type]


# --- retries and catches ------------------------------------------------------


def test_retries_and_catches():
    handler = Pass("Handle")
    t = (
        Task("T", resource=LAMBDA)
        .add_retry(errors=[Errors.TIMEOUT], interval_seconds=1, max_attempts=3, backoff_rate=2.0,
                   max_delay_seconds=10, jitter_strategy="FULL", comment="slow")
        .add_retry(max_attempts=2)
        .add_catch(handler, errors=Errors.TASKS_FAILED, result_path="$.error", comment="c")
        .add_catch(Fail("Give Up"), result_path=None)
    )
    state = states_of(StateMachine(t))["T"]
    assert state["Retry"] == [
        {"Comment": "slow", "ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 3,
         "BackoffRate": 2, "MaxDelaySeconds": 10, "JitterStrategy": "FULL"},
        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 2},
    ]
    assert state["Catch"] == [
        {"Comment": "c", "ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handle"},
        {"ErrorEquals": ["States.ALL"], "ResultPath": None, "Next": "Give Up"},
    ]


def test_catch_without_result_path_leaves_it_out():
    t = Task("T", resource=LAMBDA).add_catch(Pass("H"))
    assert "ResultPath" not in states_of(StateMachine(t))["T"]["Catch"][0]


def test_retry_and_catch_return_the_same_object():
    for cls in (Task, Parallel, Map):
        s = cls("S")
        assert s.add_retry(max_attempts=1) is s
        assert s.add_catch(Pass("H")) is s


def test_retry_argument_errors():
    t = Task("T", resource=LAMBDA)
    with pytest.raises(ValueError, match="max_attempts"):
        t.add_retry(max_attempts=-1)
    with pytest.raises(TypeError, match="interval_seconds"):
        t.add_retry(interval_seconds=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="FULL"):
        t.add_retry(jitter_strategy="full")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="errors"):
        t.add_retry(errors=[1])  # type: ignore[list-item]


def test_states_all_must_be_last():
    t = Task("T", resource=LAMBDA).add_retry().add_retry(errors=["Custom"])
    assert codes(StateMachine(t).validate()) == ["STATES_ALL_POSITION"]


def test_python_subclasses_of_states():
    class MyTask(Task):
        def __init__(self, name: str, **options):
            super().__init__()
            self.extra = name

        def __new__(cls, name: str, **options):
            return super().__new__(cls, name, resource=LAMBDA, **options)

    t = MyTask("Mine", comment="sub")
    assert t.add_retry(max_attempts=1) is t
    assert isinstance(t, Task) and t.extra == "Mine"
    chain = t.next(Succeed("Done"))
    assert chain.start_state is t
    assert states_of(StateMachine(chain))["Mine"]["Resource"] == LAMBDA


# --- fragments ----------------------------------------------------------------


def job(flavor: str) -> Fragment:
    first = Task("First", resource=LAMBDA, parameters={"flavor": flavor})
    last = Task("Last", resource=LAMBDA)
    first.next(last)
    return Fragment(first, [last])


def test_fragment_prefix_states():
    quick = job("quick")
    assert quick.prefix_states("Quick: ") is quick
    assert [s.name for s in quick.states] == ["Quick: First", "Quick: Last"]
    assert quick.start_state.name == "Quick: First"
    assert [s.name for s in quick.end_states] == ["Quick: Last"]
    assert repr(quick) == "Fragment(start='Quick: First', ends=['Quick: Last'])"
    definition = quick.next(job("slow").prefix_states("Slow: "))
    assert list(states_of(StateMachine(definition))) == ["Quick: First", "Quick: Last", "Slow: First", "Slow: Last"]


def test_unprefixed_fragments_collide():
    p = Parallel("P").branch(job("a"), job("b"))
    assert "DUPLICATE_STATE_NAME" in codes(StateMachine(p).validate())


def test_messages_name_the_api_as_python_spells_it():
    p = Parallel("P").branch(job("a"), job("b"))
    with pytest.raises(ValidationError) as info:
        StateMachine(p).to_json()
    message = next(p.message for p in info.value.problems if p.code == "DUPLICATE_STATE_NAME")
    assert "`prefix_states`" in message
    assert "prefixStates" not in message


def test_fragment_default_ends():
    f = Fragment(Pass("A").next(Pass("B")))
    assert [s.name for s in f.end_states] == ["B"]


class MyJob(StateMachineFragment):
    """Seed 003's CDK-style fragment class."""

    def __init__(self, id: str, *, job_flavor: str):
        super().__init__(id)
        first = Task("First", resource=LAMBDA, parameters={"flavor": job_flavor})
        check = Choice("Check").when(Condition.string_equals("$.status", "FAILED"), Fail("Failed"))
        last = Task("Last", resource=LAMBDA)
        first.next(check)
        check.otherwise(last)
        self.start_state = first
        self.end_states = [last]


def test_state_machine_fragment_subclass_used_twice():
    all_jobs = Parallel("All jobs").branch(
        MyJob("Quick", job_flavor="quick").prefix_states(),
        MyJob("Slow", job_flavor="slow").prefix_states("Slow job: "),
    )
    branches = states_of(StateMachine(all_jobs))["All jobs"]["Branches"]
    assert list(branches[0]["States"]) == ["Quick: First", "Quick: Check", "Quick: Failed", "Quick: Last"]
    assert list(branches[1]["States"]) == ["Slow job: First", "Slow job: Check", "Slow job: Failed", "Slow job: Last"]


def test_state_machine_fragment_chains():
    a = MyJob("A", job_flavor="a").prefix_states()
    b = MyJob("B", job_flavor="b").prefix_states()
    chain = a.next(b).next(Succeed("Done"))
    assert chain.start_state.name == "A: First"
    states = states_of(StateMachine(chain))
    assert states["A: Last"]["Next"] == "B: First"
    assert states["B: Last"]["Next"] == "Done"
    # A fragment object is chainable anywhere a state is.
    m = StateMachine(Chain.start(MyJob("C", job_flavor="c").prefix_states()))
    assert m.validate() == []


def test_fragment_errors():
    class Broken(StateMachineFragment):
        def __init__(self):
            super().__init__()
            self.start_state = Pass("S")
            self.end_states = [Succeed("End")]

    with pytest.raises(TypeError, match=r"end_states\[0\]"):
        Chain.start(Broken())
    with pytest.raises(TypeError, match="prefix"):
        Broken().prefix_states()

    class Incomplete:
        start_state = Pass("S")

    with pytest.raises(TypeError, match="start_state"):
        Chain.start(Incomplete())  # type: ignore[arg-type]


def test_rendering_from_several_threads():
    # Rendering releases the GIL; states shared between threads stay consistent.
    from concurrent.futures import ThreadPoolExecutor

    shared = Pass("Shared", result={"n": list(range(100))})
    machines = [StateMachine(Chain.sequence(Pass(f"Start {i}"), shared)) for i in range(16)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda m: m.to_json(), machines))
    assert all(json.loads(t)["States"]["Shared"]["End"] for t in texts)
    assert [json.loads(t)["StartAt"] for t in texts] == [f"Start {i}" for i in range(16)]
