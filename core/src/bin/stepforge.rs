fn main() {
    println!("stepforge {}", stepforge::VERSION);
}
