//! The `load-ddb` command: argument parsing and printing live in `stepforge::cli::load_ddb`.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code =
        stepforge::cli::load_ddb::run(std::env::args().collect(), &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
