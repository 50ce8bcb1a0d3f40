//! The README documents every problem code, with the sentence of its doc comment.

#[test]
fn readme_lists_every_problem_code() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    for code in stepforge::Code::ALL {
        assert!(readme.contains(&format!("| `{}` |", code.as_str())), "README.md does not list {code}");
    }
}
