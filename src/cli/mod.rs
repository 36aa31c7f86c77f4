//! The `nessbat` command line.

mod args;
mod bench;
mod figures;
mod interrupt;
mod merge;
mod optimize;
mod output;
mod pareto;
mod point;
mod run_args;
mod sweep;
mod sweep_plots;
mod sweep_summary;
mod trace;

use clap::{Parser, Subcommand};

/// Bad input from the user: one line, exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// A library error as the command line reports it: the user's mistakes
/// are one line and exit status 2 ([`BadInput`]); a missing GPU is named
/// by its flag; the machine's failures exit 1.
pub fn lib_error(e: nessbat::Error) -> anyhow::Error {
    match e {
        nessbat::Error::NoDevice(reason) => BadInput(format!("--backend gpu: {reason}")).into(),
        e if e.is_users() => BadInput(e.to_string()).into(),
        e => anyhow::Error::new(e),
    }
}

/// Maps the operational steady state of a NESS-charged two-qubit quantum
/// battery (Tacchino et al.) over its parameters. Units: ħ = k_B = 1.
#[derive(Debug, Parser)]
#[command(name = "nessbat", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Compute one parameter point at its operational steady state
    #[command(allow_negative_numbers = true)]
    Point(point::PointCmd),
    /// Run a whole parameter grid and write .npy arrays, metadata and plots
    Sweep(sweep::SweepCmd),
    /// Join the shards of one sweep into the arrays of an unsharded run
    Merge(merge::MergeCmd),
    /// Regenerate the paper's figures, the atlas and the claims table
    Figures(figures::FiguresCmd),
    /// Find the best engine over a config's axes, or a Pareto front
    Optimize(optimize::OptimizeCmd),
    /// Time the OSS sweep on this machine, per backend and precision
    Bench(bench::BenchCmd),
    /// Write the time series behind Figs. 3 and 4(b, c) as CSV
    #[command(subcommand)]
    Trace(trace::TraceCmd),
}

/// Runs the CLI and returns the process exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    2
                } else {
                    0
                };
            }
            // clap's first line names the flag and the problem; the usage
            // block after it would break the one-line rule.
            let text = e.render().to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: bad arguments"));
            return 2;
        }
    };
    let result = match cli.command {
        Command::Point(cmd) => point::run(&cmd),
        Command::Trace(cmd) => trace::run(&cmd),
        Command::Sweep(cmd) => sweep::run(&cmd),
        Command::Bench(cmd) => bench::run(&cmd),
        Command::Figures(cmd) => figures::run(&cmd),
        Command::Merge(cmd) => merge::run(&cmd),
        Command::Optimize(cmd) => optimize::run(&cmd),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            if let Some(i) = e.downcast_ref::<interrupt::Interrupted>() {
                eprintln!("{i}");
                return 130;
            }
            eprintln!("error: {e}");
            if e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<nessbat::Error>()
                    .is_some_and(nessbat::Error::is_users)
            {
                2
            } else {
                1
            }
        }
    }
}
