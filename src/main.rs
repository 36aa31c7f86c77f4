//! The `nessbat` binary: see `nessbat --help`.

/// mimalloc for the binary: a battery point builds a few dozen small
/// matrices, and glibc's malloc took a fifth of a battery sweep's time
/// (perf, 2 threads); mimalloc's thread-local pages make those nearly free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

fn main() {
    std::process::exit(cli::main());
}
