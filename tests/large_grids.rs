//! Grids larger than the machine: refused before any work, in one line
//! with the sizes and the ways out, leaving nothing behind, also with a
//! relative `--out` that does not exist yet (whose disk was not checked).

mod common;

use std::process::Command;
use std::time::Instant;

use common::files::scratch;

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
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn a_grid_larger_than_memory_is_refused_at_once() {
    let dir = scratch("large", "memory");
    config(&dir, 200_000);
    let t = Instant::now();
    let o = sweep_in(&dir, "rel_huge", &[]);
    let took = t.elapsed().as_secs_f64();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    let line = err.lines().last().unwrap();
    assert!(
        line.starts_with("error: the full arrays of 40000000000 points need"),
        "{err}"
    );
    for way in ["outputs", "[[reduce]]", "--shard"] {
        assert!(line.contains(way), "{line}");
    }
    assert!(took < 5.0, "refused after {took} s");
    assert!(!dir.join("rel_huge").exists(), "nothing left behind");
}

#[test]
fn a_lowered_memory_budget_is_obeyed() {
    // 64 × 64 points at 93 bytes a point (f64, every array) need 381 kB.
    let dir = scratch("large", "budget");
    config(&dir, 64);
    let o = sweep_in(&dir, "small", &[("NESSBAT_MEMORY_BUDGET", "100000")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.join("small").exists());
    let o = sweep_in(&dir, "small", &[("NESSBAT_MEMORY_BUDGET", "10000000")]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
    assert!(err.contains("but the disk has"), "{err}");
    assert!(!dir.join("not").exists(), "nothing left behind");
}
