//! The `nessbat` binary: see `nessbat --help`.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
