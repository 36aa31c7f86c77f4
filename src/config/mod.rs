//! What the user asks for: the sweep config (TOML schema and its checks,
//! [`schema`]), constraints such as `efficiency >= 0.015` ([`constraint`])
//! and the `[[reduce]]` specs with the passes that run them ([`reduce`]).

pub mod constraint;
pub mod reduce;
pub mod schema;

pub use schema::*;
