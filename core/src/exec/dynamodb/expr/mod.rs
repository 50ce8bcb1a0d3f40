//! DynamoDB expressions: a tokenizer and parser producing an AST once per
//! call, and the evaluation of conditions, updates and projections on items.

pub mod ast;
pub mod eval;
mod lexer;
pub mod parser;
pub mod placeholders;
pub mod projection;
mod reserved;
pub mod update;
