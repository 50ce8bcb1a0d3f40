//! The problem codes' documentation: the README's table is the declaration's
//! (`core/src/codes.rs`), and every example definition shows its code.

use stepforge::codes::{Code, Example, markdown_table};

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");

/// The table under "Codes:" in the README's Validate section.
fn readme_table(readme: &str) -> Option<&str> {
    let start = readme.find("| code | meaning |")?;
    let len = readme[start..].find("\n\n").map_or(readme.len() - start, |end| end + 1);
    Some(&readme[start..start + len])
}

/// Fails when the README's table differs from the declaration; with
/// `STEPFORGE_BLESS=1` it rewrites the table instead.
#[test]
fn the_readme_table_of_codes_is_the_declaration() {
    let readme = std::fs::read_to_string(README).unwrap();
    let table = readme_table(&readme).expect("README.md has a `| code | meaning |` table");
    let expected = markdown_table();
    if table == expected {
        return;
    }
    if std::env::var_os("STEPFORGE_BLESS").is_some() {
        std::fs::write(README, readme.replacen(table, &expected, 1)).unwrap();
        return;
    }
    panic!(
        "README.md's table of codes differs from core/src/codes.rs; run \
         `STEPFORGE_BLESS=1 cargo test -p stepforge --test docs` to regenerate it.\nExpected:\n{expected}"
    );
}

/// Each example shows its problem and nothing else, so a reader sees the cause.
#[test]
fn every_example_definition_is_reported_with_its_code_alone() {
    let mut definitions = 0;
    for &code in Code::ALL {
        let Example::Definition(text) = code.example() else { continue };
        definitions += 1;
        let problems = stepforge::validate::validate_str(text);
        assert!(
            !problems.is_empty() && problems.iter().all(|p| p.code == code),
            "the example of {code} reports {:?}",
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        );
    }
    // Only the builder's, the quota's and the bug's examples are prose.
    assert_eq!(definitions, Code::ALL.len() - 3);
}
