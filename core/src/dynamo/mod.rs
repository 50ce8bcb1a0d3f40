//! DynamoDB: attribute values and marshalling, and the batch loader.

pub mod attr;
pub mod load_surface;
#[cfg(feature = "loader")]
pub mod loader;
pub mod number;
pub mod walk;

pub use attr::{AttributeValue, Item, MarshalError, marshall, marshall_item};
