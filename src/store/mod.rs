//! Where results live: the full arrays ([`results`]) and reduced ones
//! ([`reduced`]), their names ([`arrays`]), the `.npy` files and
//! metadata.json ([`output`]) written into place through a staging folder
//! ([`folder`]), the arrays streamed to disk as they are
//! computed ([`stream`]) and the checkpoint around them ([`checkpoint`]),
//! memory and disk budgets ([`budget`]), and shards with their merge
//! ([`shard`]).

pub mod arrays;
pub mod budget;
pub mod checkpoint;
pub mod folder;
pub mod output;
pub mod provenance;
pub mod reduced;
pub mod results;
pub mod shard;
pub mod stream;

pub use results::SweepResults;
