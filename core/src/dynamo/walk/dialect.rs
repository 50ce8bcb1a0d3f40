//! The messages of the walk, once, each with the spelling of every host
//! language: Python says `str`, `dict` and `True`, JavaScript `string`,
//! `object` and `true`. A binding picks its [`Dialect`]; what a value is
//! (`int`, `a Date`) comes from the binding's `describe`.

use super::super::attr::MAX_DEPTH;

/// Whose words the messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Python: `str`, `dict`, `list`, `True`; types by name (`int`).
    Python,
    /// JavaScript: `string`, `object`, `array`, `true`; values described (`a Date`).
    JavaScript,
}

/// What a plain reader found that DynamoDB cannot store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsupported {
    /// A value of this type (Python's type name).
    Type(String),
    /// JavaScript's `undefined` (not left out).
    Undefined,
    /// A function.
    Function,
    /// A symbol.
    Symbol,
    /// A value from native code.
    External,
    /// An instance of a class (its name, if it has one).
    Instance(Option<String>),
}

/// The kinds of set members, in the order of the words below.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `SS`.
    Strings,
    /// `NS`.
    Numbers,
    /// `BS`.
    Binary,
}

impl Dialect {
    /// Lists and maps nested more than 32 deep.
    pub fn too_deep(self) -> String {
        format!("documents nest at most {MAX_DEPTH} levels deep in DynamoDB")
    }

    /// `marshall`'s item is not a mapping.
    pub fn plain_item(self, what: &str) -> String {
        match self {
            Dialect::Python => format!("an item must be a dict, not {what}"),
            Dialect::JavaScript => format!("an item must be a plain object, not {what}"),
        }
    }

    /// `unmarshall`'s item is not a mapping.
    pub fn typed_item(self, what: &str) -> String {
        match self {
            Dialect::Python => format!("an item must be a dict, not {what}"),
            Dialect::JavaScript => format!("an item must be an object of attribute values, not {what}"),
        }
    }

    /// A map key that is not a string (`repr` where the plain reader shows it).
    pub fn key_not_text(self, what: &str, repr: Option<&str>) -> String {
        match repr {
            Some(repr) => format!("a map key must be a str, not {what} ({repr})"),
            None => format!("a map key must be a str, not {what}"),
        }
    }

    /// A string with a lone surrogate (UTF-16 code unit `unit` at `index`).
    pub fn lone_surrogate(self, unit: u16, index: usize) -> String {
        match self {
            Dialect::Python => format!(
                "the str holds a lone surrogate '\\u{unit:04x}' at index {index}: it cannot be encoded as UTF-8, so \
                 DynamoDB cannot store it"
            ),
            Dialect::JavaScript => format!(
                "the string holds a lone surrogate (\\u{unit:04x}) at index {index}: it has no UTF-8 form, so \
                 DynamoDB cannot store it"
            ),
        }
    }

    /// A number that is NaN or infinite, as the host spells it.
    pub fn not_finite(self, spelled: &str) -> String {
        format!("{spelled} cannot be stored in DynamoDB: numbers must be finite")
    }

    /// A JavaScript number beyond `Number.MAX_SAFE_INTEGER` in size
    /// (`spelled`: its `String(n)`). Such a number stands for many integers
    /// (2^53 is also 2^53 + 1 written in a program), so which one was meant is
    /// unknown; as `@aws-sdk/util-dynamodb` does, the message asks for the
    /// exact value. (JavaScript only: Python's int is exact.)
    pub fn unsafe_integer(self, spelled: &str) -> String {
        format!(
            "{spelled} is beyond Number.MAX_SAFE_INTEGER, so a JavaScript number cannot say which value was meant; \
             pass a BigInt or a DynamoNumber with the exact digits"
        )
    }

    /// A `DynamoNumber` whose `number` field is not a string (JavaScript only).
    pub fn number_not_text(self) -> String {
        "a DynamoNumber holds its number as a string".into()
    }

    /// A value of a type DynamoDB cannot store.
    pub fn unsupported(self, what: &Unsupported) -> String {
        match what {
            Unsupported::Type(name) => format!(
                "a value of type {name} cannot be stored in DynamoDB (expected str, int, float, Decimal, bool, None, \
                 bytes, dict, list, tuple or set)"
            ),
            Unsupported::Undefined => {
                "undefined cannot be stored in DynamoDB; pass { removeUndefinedValues: true } to leave it out".into()
            }
            Unsupported::Function => "a function cannot be stored in DynamoDB".into(),
            Unsupported::Symbol => "a symbol cannot be stored in DynamoDB".into(),
            Unsupported::External => "an external value cannot be stored in DynamoDB".into(),
            Unsupported::Instance(name) => {
                let name = name.as_deref().unwrap_or("class instance");
                let hint = match name {
                    "Date" => " (store date.toISOString() or date.getTime())",
                    "Map" => " (use a plain object: Object.fromEntries(map))",
                    _ => "",
                };
                format!("a {name} cannot be stored in DynamoDB{hint}")
            }
        }
    }

    /// A set member that is not a string, number or binary.
    pub fn set_member(self, what: &str) -> String {
        match self {
            Dialect::Python => format!("a DynamoDB set cannot hold {what}; sets hold strings, numbers or binary"),
            Dialect::JavaScript => format!("a set holds strings, numbers or binary values, not {what}"),
        }
    }

    /// A set whose members are of two kinds. Python reports it at the set,
    /// by type names; JavaScript at the member, by kinds
    /// ([`Dialect::mixed_set_at_member`]).
    pub fn mixed_set(self, first: (SetKind, &str), this: (SetKind, &str)) -> String {
        let kind = |k: SetKind| match k {
            SetKind::Strings => "string",
            SetKind::Numbers => "number",
            SetKind::Binary => "binary value",
        };
        match self {
            Dialect::Python => format!(
                "a DynamoDB set holds only strings, only numbers or only binary; this one mixes {} and {}",
                first.1, this.1
            ),
            Dialect::JavaScript => format!(
                "a set holds one type: this {} is in a set of {}s (DynamoDB has SS, NS and BS)",
                kind(this.0),
                kind(first.0)
            ),
        }
    }

    /// Whether [`Dialect::mixed_set`] is reported at the member (else at the set).
    pub fn mixed_set_at_member(self) -> bool {
        self == Dialect::JavaScript
    }

    /// A typed value that is not a mapping.
    pub fn not_typed(self, what: &str) -> String {
        match self {
            Dialect::Python => format!("expected a typed value like {{\"S\": \"text\"}}, not {what}"),
            Dialect::JavaScript => format!("expected an attribute value like {{ S: 'text' }}, not {what}"),
        }
    }

    /// A typed value without exactly one key (`keys`, when the host lists them).
    pub fn tag_count(self, keys: &[String]) -> String {
        match (self, keys.len()) {
            (Dialect::Python, _) => "a typed value has exactly one type tag, like {\"S\": \"text\"}".into(),
            (Dialect::JavaScript, 0) => self.not_typed("an empty object"),
            (Dialect::JavaScript, _) => {
                format!("`{}`: an attribute value has exactly one type tag", keys.join("`, `"))
            }
        }
    }

    /// A type tag that is not a string.
    pub fn tag_not_text(self, what: &str) -> String {
        format!("a type tag is a str like \"S\", not {what}")
    }

    /// A tag that is not one of DynamoDB's.
    pub fn unknown_tag(self, tag: &str) -> String {
        format!("`{tag}` is not a DynamoDB type; use S, N, B, BOOL, NULL, M, L, SS, NS or BS")
    }

    /// What the value of a tag must be (`S`: a string, `M`: a map, …).
    pub fn holds(self, tag: &str, what: &str) -> String {
        let wanted = match (self, tag) {
            (Dialect::Python, "S" | "N") => "a str",
            (Dialect::JavaScript, "S" | "N") => "a string",
            (Dialect::Python, "BOOL") => "True or False",
            (Dialect::JavaScript, "BOOL") => "true or false",
            (Dialect::Python, "M") => "a dict",
            (Dialect::JavaScript, "M") => "an object",
            (Dialect::Python, _) => "a list",
            (Dialect::JavaScript, _) => "an array",
        };
        format!("`{tag}` holds {wanted}, not {what}")
    }

    /// A member of `SS` or `NS` that is not a string.
    pub fn member_not_text(self, tag: &str, what: &str) -> String {
        match self {
            Dialect::Python => format!("`{tag}` holds a str, not {what}"),
            Dialect::JavaScript => format!("`{tag}` holds strings, not {what}"),
        }
    }

    /// `NULL` holds something other than true.
    pub fn null_not_true(self) -> String {
        match self {
            Dialect::Python => "`NULL` must be True".into(),
            Dialect::JavaScript => "`NULL` must be true".into(),
        }
    }

    /// The tag binary messages name: Python the tag at hand (`BS`), JavaScript `B`.
    fn binary_tag(self, tag: &str) -> &str {
        match self {
            Dialect::Python => tag,
            Dialect::JavaScript => "B",
        }
    }

    /// Binary (in `B` or `BS`) that is neither bytes nor text.
    pub fn binary_holds(self, tag: &str, what: &str) -> String {
        match self {
            Dialect::Python => format!("`{tag}` holds base64 text or bytes, not {what}"),
            Dialect::JavaScript => format!("`B` holds a Uint8Array or base64 text, not {what}"),
        }
    }

    /// Binary text that is not base64 (`problem`: the core's "not valid base64: …").
    pub fn bad_base64(self, tag: &str, problem: &str) -> String {
        format!("`{}` is {problem}", self.binary_tag(tag))
    }
}
