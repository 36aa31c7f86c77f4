//! The `nessbat` command line.

mod args;
mod battery_optimize;
mod battery_sweep;
mod bench;
mod config;
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
    /// Print a config to start from: the embedded default, or a result's
    Config(config::ConfigCmd),
    /// Write the time series behind Figs. 3 and 4(b, c) as CSV
    #[command(subcommand)]
    Trace(trace::TraceCmd),
}

/// Flags as configs spell them (`--t_a`, `--checkpoint_points`) become the
/// command line's (`--t-a`): every snake_case flag is an alias. Only the
/// flag name changes; values, and anything after `--`, are left alone.
fn snake_case_flags(args: impl Iterator<Item = std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut rest = false;
    args.map(|a| {
        let Some(s) = a.to_str() else { return a };
        if rest || s == "--" {
            rest = true;
            return a;
        }
        match s.strip_prefix("--") {
            Some(body) => {
                let (name, value) = body
                    .split_once('=')
                    .map_or((body, None), |(n, v)| (n, Some(v)));
                if name.contains('_')
                    && name
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    let name = name.replace('_', "-");
                    match value {
                        Some(v) => format!("--{name}={v}").into(),
                        None => format!("--{name}").into(),
                    }
                } else {
                    a
                }
            }
            None => a,
        }
    })
    .collect()
}

/// clap's message on one line: its first line names the flag and the
/// problem; the accepted values and a missing required flag (named only on
/// the lines after it) follow after "; ", the usage and the tip to try
/// --help are left out.
fn one_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches('[').trim_end_matches(']'))
        .filter(|l| {
            !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
        })
        .collect();
    let mut line = parts.join("; ");
    line = line.replace(":; ", ": ");
    if !line.starts_with("error:") {
        line = format!("error: {line}");
    }
    line
}

/// Runs the CLI and returns the process exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse_from(snake_case_flags(std::env::args_os())) {
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
            eprintln!("{}", one_line(&e));
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
        Command::Config(cmd) => config::run(&cmd),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            if let Some(i) = e.downcast_ref::<interrupt::Interrupted>() {
                eprintln!("{i}");
                return interrupt::exit_status();
            }
            if let Some(n) = e.downcast_ref::<optimize::NoEngine>() {
                eprintln!("nessbat optimize: {n}");
                return 3;
            }
            // With its causes: "writing DIR: No space left on device".
            eprintln!("error: {e:#}");
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
