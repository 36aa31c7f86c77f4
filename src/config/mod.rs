//! What the user asks for: the sweep config (TOML schema and its checks,
//! [`schema`]), constraints such as `efficiency >= 0.015` ([`constraint`])
//! the `[[reduce]]` specs with the passes that run them ([`reduce`]) and
//! the arrays to keep ([`outputs`]).

pub mod battery;
pub mod constraint;
pub mod outputs;
pub mod reduce;
pub mod schema;

pub use schema::*;
