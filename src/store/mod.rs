//! Where results live: the full arrays ([`results`]) and reduced ones
//! ([`reduced`]), their names ([`arrays`]), the `.npy` files and
//! metadata.json ([`output`]), checkpoints ([`checkpoint`]), and shards with
//! their merge ([`shard`]).

pub mod arrays;
pub mod checkpoint;
pub mod output;
pub mod provenance;
pub mod reduced;
pub mod results;
pub mod shard;

pub use results::SweepResults;
