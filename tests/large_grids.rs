//! Grids larger than the machine: larger than memory, streamed to disk
//! (src/store/stream.rs) with the arrays of an in-memory run; larger than
//! the disk, refused before any work in one line with the sizes and the
//! ways out, leaving nothing behind, also with a relative `--out` that does
//! not exist yet (whose disk was not checked).

mod common;

use std::process::Command;
use std::time::Instant;

use common::files::{same_arrays, scratch};

fn config(dir: &std::path::Path, points: u64) -> std::path::PathBuf {
    let cfg = dir.join("huge.toml");
    std::fs::write(
        &cfg,
        format!(
            "[fixed]\ntau = 40.0\ngamma = 1e-3\nlambda = 0.01\n[[axes]]\nname = \"t_a\"\nrange = [0.1, 5.0]\npoints = {points}\n[[axes]]\nname = \"t_s\"\nrange = [0.1, 5.0]\npoints = {points}\n"
        ),
    )
    .unwrap();
    cfg
}

/// `nessbat sweep` in `dir` with a relative `--out`, and the environment
/// `env`.
fn sweep_in(dir: &std::path::Path, out: &str, env: &[(&str, &str)]) -> std::process::Output {
    sweep_with(dir, out, env, &[])
}

/// The same with `extra` arguments.
fn sweep_with(
    dir: &std::path::Path,
    out: &str,
    env: &[(&str, &str)],
    extra: &[&str],
) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nessbat"));
    c.current_dir(dir).args([
        "sweep",
        "--config",
        "huge.toml",
        "--out",
        out,
        "--backend",
        "cpu",
    ]);
    c.args(extra);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn a_grid_larger_than_memory_and_disk_is_refused_at_once() {
    // 4e10 points, 3.7 TB of arrays: streamed, they would still not fit
    // this disk.
    let dir = scratch("large", "memory");
    config(&dir, 200_000);
    let t = Instant::now();
    let o = sweep_in(&dir, "rel_huge", &[]);
    let took = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let line = err.lines().last().unwrap();
    assert!(
        line.contains("for its arrays, needs about") && line.contains("GB of disk but"),
        "{err}"
    );
    for way in ["outputs", "[[reduce]]", "--shard"] {
        assert!(line.contains(way), "{line}");
    }
    assert!(took < 5.0, "refused after {took} s");
    assert!(!dir.join("rel_huge").exists(), "nothing left behind");
}

#[test]
fn a_grid_larger_than_memory_is_streamed_to_disk() {
    // 64 × 64 points at 93 bytes a point (f64, every array) need 381 kB:
    // with 100 kB of memory they are written chunk by chunk (500 points,
    // 47 kB) and never held whole.
    let dir = scratch("large", "budget");
    config(&dir, 64);
    let budget = [("NESSBAT_MEMORY_BUDGET", "100000")];
    let streamed = sweep_with(&dir, "small", &budget, &["--checkpoint-points", "500"]);
    assert!(
        streamed.status.success(),
        "{}",
        String::from_utf8_lossy(&streamed.stderr)
    );
    let o = sweep_in(&dir, "whole", &[("NESSBAT_MEMORY_BUDGET", "10000000")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&dir.join("whole"), &dir.join("small"));
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("small/metadata.json")).unwrap()).unwrap();
    assert_eq!(meta["status_counts"]["converged OSS"], 64 * 64);
    assert!(!dir.join("small/.nessbat-partial").exists());
    // Plots need the arrays in memory: refused at once, nothing made.
    let o = sweep_with(&dir, "plotted", &budget, &["--plot"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--plot: the full arrays are larger than the memory"),
        "{err}"
    );
    assert!(!dir.join("plotted").exists(), "nothing left behind");
}

#[test]
fn the_disk_is_checked_for_a_relative_out_that_does_not_exist_yet() {
    // 1.6e11 points: far beyond this disk (the memory check let through).
    let dir = scratch("large", "disk");
    config(&dir, 400_000);
    let o = sweep_in(
        &dir,
        "not/yet/there",
        &[("NESSBAT_MEMORY_BUDGET", "1000000000000000000")],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("GB of disk but"), "{err}");
    assert!(!dir.join("not").exists(), "nothing left behind");
}

#[test]
fn a_bad_memory_budget_and_an_axis_too_long_are_refused() {
    let dir = scratch("large", "bad-budget");
    config(&dir, 64);
    for bad in ["garbage", "-5", "1.5", "1e6", ""] {
        let o = sweep_in(&dir, "out", &[("NESSBAT_MEMORY_BUDGET", bad)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("NESSBAT_MEMORY_BUDGET") && err.contains("whole number of bytes"),
            "{err}"
        );
        assert!(!dir.join("out").exists(), "nothing left behind");
    }
    // One axis of 2^30 points was accepted and built (gigabytes of values)
    // before any refusal; at most 2^20 now, refused at once.
    std::fs::write(
        dir.join("huge.toml"),
        "[fixed]\ntau = 40.0\ngamma = 1e-3\nlambda = 0.01\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nrange = [0.1, 5.0]\npoints = 1073741824\n",
    )
    .unwrap();
    let t = Instant::now();
    let o = sweep_in(&dir, "long", &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("accepted: 1 to 1048576"), "{err}");
    assert!(t.elapsed().as_secs_f64() < 5.0);
}

#[test]
fn a_merge_larger_than_memory_is_refused_before_reading() {
    let dir = scratch("large", "merge-budget");
    config(&dir, 32);
    for k in 0..2 {
        let shard = format!("{k}/2");
        let o = sweep_with(&dir, &format!("s{k}"), &[], &["--shard", &shard, "--quiet"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let mut c = Command::new(env!("CARGO_BIN_EXE_nessbat"));
    c.current_dir(&dir)
        .args(["merge", "s0", "s1", "--out", "merged"])
        .env("NESSBAT_MEMORY_BUDGET", "1000");
    let o = c.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("merging these shards needs"), "{err}");
    assert!(!dir.join("merged").exists(), "nothing left behind");
}
