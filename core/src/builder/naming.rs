//! How the caller spells the builder's API, so that a message that names a
//! method says it as the caller writes it: Rust and Python `prefix_states`,
//! JavaScript and TypeScript `prefixStates`.
//!
//! One setting for the process: a binding sets it once when it loads (a
//! process hosts one language's binding), and every message of the core that
//! names API goes through [`api`].

use std::sync::atomic::{AtomicU8, Ordering};

use super::states::camel_case;

/// A naming convention for API names in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Naming {
    /// `prefix_states`: Rust and Python (the default).
    #[default]
    Snake,
    /// `prefixStates`: JavaScript and TypeScript.
    Camel,
}

impl Naming {
    /// `name`, given as Rust spells it (snake_case), in this convention.
    pub fn api(self, name: &str) -> String {
        match self {
            Naming::Snake => name.to_string(),
            Naming::Camel => camel_case(name),
        }
    }
}

static NAMING: AtomicU8 = AtomicU8::new(0);

/// Sets the convention of every later message that names API, for the whole
/// process. The Node binding sets [`Naming::Camel`] when it loads.
pub fn set_naming(naming: Naming) {
    NAMING.store(naming as u8, Ordering::Relaxed);
}

/// The convention messages use now.
pub fn naming() -> Naming {
    if NAMING.load(Ordering::Relaxed) == Naming::Camel as u8 { Naming::Camel } else { Naming::Snake }
}

/// `name` (snake_case, as in Rust) as the caller spells it.
pub fn api(name: &str) -> String {
    naming().api(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_convention_spells_the_name_its_way() {
        assert_eq!(Naming::Snake.api("prefix_states"), "prefix_states");
        assert_eq!(Naming::Camel.api("prefix_states"), "prefixStates");
        assert_eq!(Naming::Camel.api("afterwards"), "afterwards");
        assert_eq!(Naming::default(), Naming::Snake);
        // Nothing in the core's own tests changes the process's setting.
        assert_eq!(naming(), Naming::Snake);
        assert_eq!(api("include_otherwise"), "include_otherwise");
    }
}
