//! Validation speed on large generated definitions (see
//! `examples/generate_definition.rs`): `cargo bench -p stepforge --bench validate`.
//! The comparison with the npm `asl-validator` is `bench/validate.sh`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

#[path = "../examples/generate_definition.rs"]
mod generate_definition;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate_str");
    group.sample_size(30);
    for (label, states, rich) in [("1k", 1_000, false), ("10k", 10_000, false), ("10k-rich", 10_000, true)] {
        let text = generate_definition::generate(states, rich);
        assert!(stepforge::validate::validate_str(&text).iter().all(|p| p.code == stepforge::Code::QuotaExceeded));
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(label), &text, |b, text| {
            b.iter(|| stepforge::validate::validate_str(text))
        });
    }
    group.finish();
}

fn render(c: &mut Criterion) {
    let text = generate_definition::generate(10_000, false);
    let def = stepforge::asl::parse_str(&text).expect("the generated definition parses");
    c.bench_function("render/10k", |b| b.iter(|| stepforge::asl::render(&def)));
}

/// Checking and reading a definition in one go: `parse_valid` on text (what
/// `stepforge fmt` does) and a built `StateMachine` rendered to text.
fn parse_valid(c: &mut Criterion) {
    let text = generate_definition::generate(10_000, false);
    stepforge::validate::parse_valid(&text).expect("the generated definition is valid");
    c.bench_function("parse_valid/10k", |b| b.iter(|| stepforge::validate::parse_valid(&text)));

    use stepforge::builder::{Chain, Chainable, Pass, StateMachine, Succeed};
    let steps: Vec<Pass> =
        (0..2_000).map(|i| Pass::new(format!("Step {i}")).result(serde_json::json!({"step": i}))).collect();
    let done = Succeed::new("Done");
    let mut items: Vec<&dyn Chainable> = steps.iter().map(|s| s as &dyn Chainable).collect();
    items.push(&done);
    let machine = StateMachine::new(&Chain::sequence(&items).expect("a chain of new states links"));
    machine.render().expect("the built machine is valid");
    c.bench_function("state_machine_render/2k", |b| b.iter(|| machine.render()));
}

criterion_group!(benches, validate, render, parse_valid);
criterion_main!(benches);
