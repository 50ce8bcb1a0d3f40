//! The `stepforge` command: argument parsing and printing live in `stepforge::cli`.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = stepforge::cli::run(std::env::args().collect(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
