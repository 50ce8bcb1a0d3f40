//! "Did you mean …?": the known name closest to a misspelt one.
//!
//! Only called once a problem has been found, so valid definitions pay
//! nothing for it.

/// The candidate closest to `wanted`, if one is close enough to be a slip:
/// the same name in another case or with other surrounding spaces first,
/// then the fewest single-character edits (insertions, deletions,
/// substitutions, or two neighbours swapped: `Wiat` → `Wait`), ignoring
/// case. A name may differ by about one edit in three characters, and by at
/// least one. Among equally close names the first one given wins, so the
/// suggestion is stable.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = wanted.to_lowercase();
    let len = lower.chars().count();
    let limit = (len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == wanted {
            continue;
        }
        if candidate.trim() == wanted.trim() || candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        // An edit changes the length by at most one: skip what cannot be close.
        let other = candidate.chars().count();
        if other.abs_diff(len) > limit {
            continue;
        }
        let distance = strsim::osa_distance(&lower, &candidate.to_lowercase());
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// `" (did you mean `X`?)"` for the closest candidate, or nothing.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(wanted, candidates).map(|name| format!(" (did you mean `{name}`?)")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: [&str; 5] = ["Wait", "Check Status", "Done", "Notify Team", "Retry Later"];

    #[test]
    fn typos_within_the_limit() {
        assert_eq!(closest("Wiat", STATES), Some("Wait"), "two neighbours swapped");
        assert_eq!(closest("wait", STATES), Some("Wait"), "case");
        assert_eq!(closest(" Done ", STATES), Some("Done"), "spaces");
        assert_eq!(closest("Chek Status", STATES), Some("Check Status"), "a letter missing");
        assert_eq!(closest("Check  Statsu", STATES), Some("Check Status"), "two edits in a long name");
        assert_eq!(closest("Notfy Taem", STATES), Some("Notify Team"));
    }

    #[test]
    fn nothing_for_names_too_far() {
        assert_eq!(closest("Finish", STATES), None);
        assert_eq!(closest("Dune Now", STATES), None);
        assert_eq!(closest("W", STATES), None, "one letter is not a typo of four");
        assert_eq!(closest("Wait", ["Wait"]), None, "the name itself is no suggestion");
        assert_eq!(closest("Wiat", []), None);
    }

    #[test]
    fn the_closest_then_the_first() {
        assert_eq!(closest("Stpe 2", ["Step 1", "Step 2"]), Some("Step 2"), "one edit beats two");
        assert_eq!(closest("Step 3", ["Step 1", "Step 2"]), Some("Step 1"), "a tie goes to the first");
        assert_eq!(did_you_mean("Dnoe", STATES), " (did you mean `Done`?)");
        assert_eq!(did_you_mean("Elsewhere", STATES), "");
    }

    #[test]
    fn a_misspelt_target_names_the_state_in_its_scope() {
        let text = r#"{"StartAt": "Check", "States": {
            "Check": {"Type": "Pass", "Next": "Wiat"},
            "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Dnoe"},
            "Done": {"Type": "Succeed"}}}"#;
        let problems = crate::validate::validate_str(text);
        let found: Vec<(&str, &str)> = problems
            .iter()
            .filter(|p| p.code == crate::error::Code::MissingTransitionTarget)
            .map(|p| (p.pointer.as_str(), p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                ("/States/Check/Next", "there is no state named `Wiat` (did you mean `Wait`?)"),
                ("/States/Wait/Next", "there is no state named `Dnoe` (did you mean `Done`?)"),
            ]
        );
    }
}
