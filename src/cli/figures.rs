//! `nessbat figures`: every figure of the paper, the atlas, and the claims
//! table, regenerated from the engine.

use nessbat::Error;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use super::args::choice;
use super::BadInput;
use nessbat::backend::run::{Backend, BackendChoice};
use nessbat::figures::{run_all, Size};
use nessbat::kernels::Precision;

#[derive(Debug, Args)]
pub struct FiguresCmd {
    /// Output folder for the PNGs, arrays, CSVs and claims
    #[arg(long)]
    pub out: PathBuf,
    /// Where the sweeps run (f64 always)
    #[arg(long, value_parser = choice::<BackendChoice>(), default_value = "auto")]
    pub backend: BackendChoice,
    /// Small grids (16 points a side), as the tests use
    #[arg(long)]
    pub quick: bool,
}

pub fn run(cmd: &FiguresCmd) -> Result<()> {
    let choice = cmd.backend;
    // The claims compare against 1e-12 zeros and 1e-3 plateaus: f64 only.
    let backend = match Backend::choose(choice, Some(Precision::F64), &|m| eprintln!("{m}")) {
        Ok(b) => b,
        Err(Error::Usage(m)) if choice == BackendChoice::Auto => {
            eprintln!("notice: {m}; figures run on the CPU backend");
            Backend::Cpu
        }
        Err(Error::Usage(m)) => return Err(BadInput(m).into()),
        Err(e) => return Err(e.into()),
    };
    let t = Instant::now();
    let size = if cmd.quick { Size::Quick } else { Size::Full };
    let files = run_all(&cmd.out, &backend, size)?;
    println!(
        "{} files written to {} in {:.1} s",
        files.len(),
        cmd.out.display(),
        t.elapsed().as_secs_f64()
    );
    let claims = std::fs::read_to_string(cmd.out.join("claims.md"))?;
    print!("{claims}");
    Ok(())
}
