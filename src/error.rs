//! The library's one error type. Every variant renders as one line that
//! names what is wrong and, where the user can fix it, what is accepted;
//! messages name parameters by their config keys (`t_a`), and only the
//! command line words them as flags (`--t-a`). The output folder's
//! refusals name `--out`, `--force` and `--resume`, which Python's `out=`
//! and `force=` mirror one to one. [`Error::is_users`] tells
//! the user's mistakes (the CLI's exit status 2, Python's ValueError) from
//! failures of the machine.

use std::path::PathBuf;

/// Why a library call did not produce its result.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter outside its accepted range.
    #[error("{key} must be {accepted}, got {value}")]
    OutOfRange {
        key: String,
        accepted: String,
        value: String,
    },
    /// Parameters that cannot be combined, or one that is missing.
    #[error("{0}")]
    Conflict(String),
    /// A config that cannot be read or cannot run: where, and which key.
    #[error("{0}")]
    Config(String),
    /// A shard spec out of range, or shards that do not merge.
    #[error("{0}")]
    Shard(String),
    /// An output folder whose checkpoints cannot be used as asked.
    #[error("{message}")]
    Checkpoint { dir: PathBuf, message: String },
    /// Other input of the user's: backend, precision, objective, folder.
    #[error("{0}")]
    Usage(String),
    /// A GPU was asked for and none could be acquired: the reason.
    #[error("backend gpu: {0}")]
    NoDevice(GpuError),
    /// The device failed while running.
    #[error(transparent)]
    Gpu(#[from] GpuError),
    /// A numerical step failed (a singular solve, a non-finite result).
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// Writing results or checkpoints failed.
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A run refused before it starts: it needs more memory or disk than
    /// the machine has. `task` says what ("the full arrays of 10 points"),
    /// `folder` where it would write; `reclaim` is what a resume or a
    /// forced rerun would reuse or replace there (already counted as free).
    #[error("{}", too_large(.resource, .task, *.need, *.available, .folder, *.reclaim, .accepted))]
    TooLarge {
        resource: Resource,
        task: String,
        need: u64,
        available: u64,
        folder: Option<PathBuf>,
        reclaim: u64,
        accepted: &'static str,
    },
    /// The run's stop flag was set (Ctrl-C); nothing it computed is kept.
    #[error("interrupted")]
    Interrupted,
    /// `--resume` found the sweep already finished in this folder: nothing
    /// to do (the CLI says so and exits 0).
    #[error("{} already holds this sweep, finished; nothing to do", .0.display())]
    Finished(PathBuf),
}

impl Error {
    pub(crate) fn range(key: &str, accepted: &str, value: f64) -> Self {
        Error::OutOfRange {
            key: key.to_string(),
            accepted: accepted.to_string(),
            value: short(value),
        }
    }

    /// The [`Error::Io`] of a failed write to `path`, for `map_err`.
    pub fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the user can fix it by changing the input (exit status 2 on
    /// the command line, ValueError in Python).
    pub fn is_users(&self) -> bool {
        !matches!(
            self,
            Error::Gpu(_)
                | Error::Numerical(_)
                | Error::Io { .. }
                | Error::NoDevice(_)
                | Error::Interrupted
        )
    }
}

/// Why no GPU could be used, or why it failed while running (the backend's
/// errors; here, so that the error type depends on nothing).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GpuError {
    #[error("no GPU adapter found{0}")]
    NoAdapter(String),
    #[error("the GPU device could not be opened: {0}")]
    Device(String),
    #[error(
        "f64 shaders need SHADER_F64, which adapter '{0}' lacks; accepted here: precision f32"
    )]
    NoF64(String),
    #[error("GPU error: {0}")]
    Runtime(String),
}

/// What a run can need more of than the machine has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// The memory a run may hold (`NESSBAT_MEMORY_BUDGET`, or what the
    /// system reports available).
    Memory,
    /// The free space of the output folder's disk.
    Disk,
}

fn too_large(
    resource: &Resource,
    task: &str,
    need: u64,
    available: u64,
    folder: &Option<PathBuf>,
    reclaim: u64,
    accepted: &str,
) -> String {
    // In the unit that shows the size: 1.50 GB, 12.0 MB, 1000 bytes.
    let size = |b: u64| match b {
        b if b >= 1_000_000_000 => format!("{:.2} GB", b as f64 / 1e9),
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 10_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} bytes"),
    };
    let at = folder
        .as_ref()
        .map_or(String::new(), |f| format!("--out {}: ", f.display()));
    let (what, have) = match resource {
        Resource::Memory => ("of memory", "is available"),
        Resource::Disk => ("of disk", "is free"),
    };
    let budget = match resource {
        Resource::Memory if std::env::var_os("NESSBAT_MEMORY_BUDGET").is_some() => {
            " (NESSBAT_MEMORY_BUDGET, in bytes)".to_string()
        }
        _ if reclaim > 0 => format!(" (with {} it would reuse or replace)", size(reclaim)),
        _ => String::new(),
    };
    format!(
        "{at}{task} needs about {} {what} but {} {have}{budget}; accepted: {accepted}",
        size(need),
        size(available),
    )
}

pub type Result<T> = std::result::Result<T, Error>;

/// A number as a user reads it: 1e100, not a hundred digits.
pub fn short(v: f64) -> String {
    if v != 0.0 && v.is_finite() && !(1e-4..1e6).contains(&v.abs()) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}
