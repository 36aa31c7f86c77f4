//! Checkpoints and --resume: a sweep killed with SIGKILL mid-run and
//! resumed gives the arrays of an uninterrupted run bit for bit; damaged
//! chunks are recomputed; a finished folder is not overwritten by accident.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::files::{journaled, same_arrays, scratch};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nessbat"))
}

/// Density-matrix grid of 320 000 points in 80 checkpoint chunks: about
/// 0.3 s on two cores with the SIMD lanes (compute and checksummed chunk
/// writes), long enough to be killed after a few chunks.
fn config(dir: &Path, lambda: f64) -> String {
    let p = dir.join(format!("c{lambda}.toml"));
    std::fs::write(
        &p,
        format!(
            "model = \"density-matrix\"\n[fixed]\nlambda = {lambda}\ngamma = 1e-3\nt_s = 0.1\ndephasing = 1e-4\n\
             [[axes]]\nname = \"t_a\"\nrange = [0.3, 4.0]\npoints = 400\nspacing = \"log\"\n\
             [[axes]]\nname = \"tau\"\nrange = [0.01, 1e4]\npoints = 800\nspacing = \"log\"\n"
        ),
    )
    .unwrap();
    p.to_str().unwrap().into()
}

fn args<'a>(backend: &'a str, cfg: &'a str, out: &'a Path) -> Vec<&'a str> {
    vec![
        "sweep",
        "--config",
        cfg,
        "--out",
        out.to_str().unwrap(),
        "--backend",
        backend,
        "--quiet",
        "--checkpoint-points",
        "4000",
        // Each chunk written as it finishes, so that SIGKILL finds some.
        "--checkpoint-seconds",
        "0",
    ]
}

fn sweep(cfg: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    sweep_on("cpu", cfg, out, extra)
}

fn sweep_on(backend: &str, cfg: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut a = args(backend, cfg, out);
    a.extend_from_slice(extra);
    bin().args(&a).output().unwrap()
}

/// Starts a sweep into `out` and kills it with SIGKILL once `ready` holds
/// for its checkpoint folder.
fn start_and_kill(cfg: &str, out: &Path, ready: impl Fn(&Path) -> bool) {
    start_and_kill_on("cpu", cfg, out, ready)
}

fn start_and_kill_on(backend: &str, cfg: &str, out: &Path, ready: impl Fn(&Path) -> bool) {
    let mut child = bin()
        .args(args(backend, cfg, out))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = out.join(".nessbat-partial");
    let t = Instant::now();
    while !ready(&partial) && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !out.join("metadata.json").exists(),
        "the sweep finished before it could be killed"
    );
}

#[test]
fn resume_after_sigkill_equals_an_uninterrupted_run() {
    let d = scratch("resume", "kill");
    let cfg = config(&d, 0.01);
    let whole = d.join("whole");
    assert!(sweep(&cfg, &whole, &[]).status.success());

    let out = d.join("killed");
    // Kill it once a few chunks are journaled.
    start_and_kill(&cfg, &out, |p| journaled(p) >= 3);
    let partial = out.join(".nessbat-partial");
    assert!(partial.exists());
    // The arrays are streamed in place, one file each at full size from the
    // start; the journal lists finished chunks, each a distinct aligned
    // range with a SHA-256.
    let status = std::fs::metadata(partial.join("status.npy")).unwrap().len();
    assert_eq!(
        status,
        128 + 320_000,
        "status.npy: header and one byte a point"
    );
    let text = std::fs::read_to_string(partial.join("journal")).unwrap();
    let mut seen = std::collections::HashSet::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split(' ').collect();
        assert_eq!(f.len(), 4, "{line}");
        let (c, start, end): (u64, u64, u64) = (
            f[0].parse().unwrap(),
            f[1].parse().unwrap(),
            f[2].parse().unwrap(),
        );
        assert_eq!((start, end), (c * 4000, c * 4000 + 4000), "{line}");
        assert_eq!(f[3].len(), 64, "{line}");
        assert!(seen.insert(c), "chunk {c} journaled twice");
    }

    // Without --resume the folder is refused, with it the sweep completes.
    assert_eq!(sweep(&cfg, &out, &[]).status.code(), Some(2));
    let o = sweep(&cfg, &out, &["--resume"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&whole, &out);
    assert!(
        !partial.exists(),
        "checkpoints are removed once the arrays are written"
    );

    // A finished sweep: --resume has nothing to do; a plain run is refused;
    // --force recomputes.
    let o = sweep(&cfg, &out, &["--resume"]);
    assert!(o.status.success());
    let o = sweep(&cfg, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(sweep(&cfg, &out, &["--force"]).status.success());
    same_arrays(&whole, &out);
}

#[test]
fn damaged_checkpoints_are_recomputed_and_foreign_ones_refused() {
    let d = scratch("resume", "damage");
    let cfg = config(&d, 0.01);
    let whole = d.join("whole");
    assert!(sweep(&cfg, &whole, &[]).status.success());
    // An interrupted sweep, then one journaled chunk's bytes damaged: the
    // status of one of chunk 1's points (4000..8000) flipped in place.
    let out = d.join("out");
    start_and_kill(&cfg, &out, |p| journaled(p) >= 3);
    let partial = out.join(".nessbat-partial");
    let victim = partial.join("status.npy");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes[128 + 4321] ^= 0xff;
    std::fs::write(&victim, &bytes).unwrap();
    let o = sweep(&cfg, &out, &["--resume"]);
    assert!(o.status.success());
    // Exactly the damaged chunk is recomputed; the intact ones are read
    // back (a format change that broke reading would recompute them all).
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        stderr.matches("was damaged or truncated").count(),
        1,
        "{stderr}"
    );
    same_arrays(&whole, &out);

    // --resume on a folder holding another config's sweep.
    let other = config(&d, 0.02);
    let o = sweep(&other, &out, &["--resume"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another config"));
}

#[test]
fn resume_on_the_gpu_equals_an_uninterrupted_gpu_run() {
    // The same on the GPU backend (lavapipe in CI), where chunks are runs
    // of the kernel over flat index ranges.
    let probe = bin()
        .args(["bench", "--points", "1", "--repeats", "1", "--gpu-only"])
        .output()
        .unwrap();
    if !String::from_utf8_lossy(&probe.stdout)
        .lines()
        .any(|l| l.starts_with("gpu"))
    {
        if std::env::var("NESSBAT_REQUIRE_GPU").as_deref() == Ok("1") {
            panic!("NESSBAT_REQUIRE_GPU=1 but no GPU adapter");
        }
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED resume_on_the_gpu: no GPU adapter"
        );
        return;
    }
    let d = scratch("resume", "gpu");
    let cfg = config(&d, 0.01);
    let whole = d.join("whole");
    assert!(sweep_on("gpu", &cfg, &whole, &["--precision", "f64"])
        .status
        .success());
    let out = d.join("killed");
    start_and_kill_on("gpu", &cfg, &out, |p| journaled(p) >= 3);
    // A CPU resume of GPU checkpoints is refused: the two round differently.
    assert_eq!(
        sweep_on("cpu", &cfg, &out, &["--resume"]).status.code(),
        Some(2)
    );
    let o = sweep_on("gpu", &cfg, &out, &["--resume", "--precision", "f64"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&whole, &out);
}

/// Ctrl-C (SIGINT): the sweep stops, keeps its finished chunks, writes no
/// arrays or metadata, exits 130 and says how to resume; resuming gives
/// the uninterrupted run's arrays.
#[test]
fn ctrl_c_keeps_the_checkpoints_and_says_how_to_resume() {
    let d = scratch("resume", "sigint");
    let cfg = config(&d, 0.02);
    let whole = d.join("whole");
    assert!(sweep(&cfg, &whole, &[]).status.success());
    let out = d.join("interrupted");
    let child = bin()
        .args(args("cpu", &cfg, &out))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let partial = out.join(".nessbat-partial");
    let t = Instant::now();
    while journaled(&partial) < 2 && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !out.join("metadata.json").exists(),
        "the sweep finished before SIGINT: {err}"
    );
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(err.starts_with("interrupted;"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert!(partial.exists());
    let mut a = args("cpu", &cfg, &out);
    a.retain(|x| *x != "--quiet");
    a.push("--resume");
    let o = bin().args(&a).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&whole, &out);
    // The rate counts only the points this run computed.
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("restored from checkpoints"), "{text}");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let computed = meta["points_computed"].as_u64().unwrap();
    assert!(computed > 0 && computed < 320_000, "{computed}");
}

/// SIGTERM (a batch system's time limit or pre-emption) under the default
/// checkpoint interval: no chunk has been journaled when it comes, yet the
/// finished ones are journaled before the sweep stops (exit 143), and the
/// resumed run equals an uninterrupted one.
#[test]
fn sigterm_writes_the_waiting_chunks_and_resumes() {
    let d = scratch("resume", "sigterm");
    let cfg = config(&d, 0.03);
    let whole = d.join("whole");
    assert!(sweep(&cfg, &whole, &[]).status.success());
    let out = d.join("terminated");
    let mut a = args("cpu", &cfg, &out);
    // The default interval (30 s): nothing is journaled before the signal.
    a.truncate(a.len() - 2);
    let child = bin()
        .args(&a)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Until the checkpoint folder exists (made before any compute), then a
    // little compute: the 320 000 points take about 0.3 s.
    let partial = out.join(".nessbat-partial");
    let t = Instant::now();
    while !partial.exists() && t.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(60));
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !out.join("metadata.json").exists(),
        "the sweep finished before SIGTERM: {err}"
    );
    assert_eq!(o.status.code(), Some(143), "{err}");
    let kept = journaled(&partial);
    assert!(kept > 0, "no finished chunk was journaled: {err}");
    let o = sweep(&cfg, &out, &["--resume"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&whole, &out);
}
