//! Times validation of a file, stage by stage: `time_validate FILE [ROUNDS] [only]`.
//! With `only`, times `validate_str` alone (for profiling).
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("read the file");
    let rounds: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    if args.get(3).map(String::as_str) != Some("only") {
        let t = Instant::now();
        for _ in 0..rounds {
            let _: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        }
        println!("serde_json::from_str  {:?}", t.elapsed() / rounds);
        let value = stepforge::asl::read_json(&text).expect("JSON");
        let t = Instant::now();
        for _ in 0..rounds {
            let _ = stepforge::validate::validate_value(&value);
        }
        println!("validate_value        {:?}", t.elapsed() / rounds);
    }
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n = stepforge::validate::validate_str(&text).len();
    }
    println!("validate_str          {:?} ({n} problems)", t.elapsed() / rounds);
}

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
