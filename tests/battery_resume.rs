//! Checkpoints of battery sweeps and `--resume`:
//! - a sweep killed with SIGKILL mid-run and resumed writes every file of
//!   an uninterrupted run byte for byte (full arrays, status and the
//!   reductions), and a finished folder is neither overwritten by accident
//!   nor recomputed by --resume;
//! - a damaged chunk is named and recomputed, another config's checkpoint
//!   is refused in one line;
//! - Ctrl-C and SIGTERM write every point computed (under the default
//!   interval, the waiting ones), exit 130 / 143, say how to go on, and
//!   the resumed shard's accumulators equal an uninterrupted shard's.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::files::{nessbat, scratch};

/// A 3-spin XX chain (d = 8) over 300 × 600 (T_h, T_c): about a second on
/// two cores, in chunks of at most 10000 points (under an interval of 0,
/// one per block, whose size adapts to the rate), long enough to be
/// stopped after a few. Two reductions, one with a constraint.
fn config(dir: &Path, lambda: f64, full: bool) -> String {
    let p = dir.join(format!("c{lambda}{full}.toml"));
    std::fs::write(
        &p,
        format!(
            "full_arrays = {full}\n[battery.chain]\nspins = 3\n[[battery.baths]]\nname = \"h\"\ncoupling = \"sx1\"\n\
             [[battery.baths]]\nname = \"c\"\ncoupling = \"sx3\"\n[fixed]\nlambda = {lambda}\ngamma_h = 1e-3\n\
             gamma_c = 1e-3\ntau = 100.0\n[[axes]]\nname = \"t_h\"\nrange = [0.3, 5.0]\npoints = 300\n\
             [[axes]]\nname = \"t_c\"\nrange = [0.05, 1.0]\npoints = 600\n\
             [[reduce]]\nname = \"best\"\nop = \"argmax\"\nquantity = \"efficiency\"\nover = [\"t_c\"]\nwhere = \"power > 1e-7\"\n\
             [[reduce]]\nname = \"cold\"\nop = \"min\"\nquantity = \"heat_c\"\nover = [\"t_h\"]\n"
        ),
    )
    .unwrap();
    p.to_str().unwrap().into()
}

/// The sweep's arguments: chunks of at most 10000 points, each written
/// as it closes.
fn args<'a>(cfg: &'a str, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "sweep",
        "--config",
        cfg,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--checkpoint-points",
        "10000",
    ];
    if !extra.contains(&"--checkpoint-seconds") {
        a.extend(["--checkpoint-seconds", "0"]);
    }
    a.extend_from_slice(extra);
    a
}

/// As [`args`], with the notices and summary printed.
fn loud<'a>(cfg: &'a str, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = args(cfg, out, extra);
    a.retain(|x| *x != "--quiet");
    a
}

fn sweep(cfg: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    nessbat(&args(cfg, out, extra))
}

/// The chunk files of a checkpoint folder: (start, end), by start.
fn chunks(partial: &Path) -> Vec<(u64, u64)> {
    let mut v: Vec<(u64, u64)> = std::fs::read_dir(partial)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            let (a, b) = n
                .strip_prefix("chunk-")?
                .strip_suffix(".bin")?
                .split_once('-')?;
            Some((a.parse().ok()?, b.parse().ok()?))
        })
        .collect();
    v.sort();
    v
}

/// Starts a sweep into `out`, waits until its checkpoint folder holds
/// `ready` chunks (or exists, for 0), then sends `signal` and returns
/// its output.
fn start_and_signal(
    cfg: &str,
    out: &Path,
    extra: &[&str],
    ready: usize,
    signal: i32,
) -> std::process::Output {
    let child = Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args(args(cfg, out, extra))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let partial = out.join(".nessbat-partial");
    let t = Instant::now();
    while !(partial.exists() && chunks(&partial).len() >= ready)
        && t.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(2));
    }
    if ready == 0 {
        // A little compute, none of it written under the default interval.
        std::thread::sleep(Duration::from_millis(150));
    }
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let o = child.wait_with_output().unwrap();
    assert!(
        !out.join("metadata.json").exists(),
        "the sweep finished before it could be stopped"
    );
    o
}

/// Every file `a`'s metadata.json vouches for is in `b`, byte for byte,
/// and `b` vouches for the same files.
#[track_caller]
fn same_files(a: &Path, b: &Path) {
    let sums = |d: &Path| {
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(d.join("metadata.json")).unwrap()).unwrap();
        m["checksums"].clone()
    };
    let (x, y) = (sums(a), sums(b));
    assert_eq!(x, y, "checksums differ");
    let names: Vec<&String> = x.as_object().unwrap().keys().collect();
    assert!(names.len() >= 8, "{names:?}");
    for f in names {
        let (p, q) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            p == q,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[track_caller]
fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn resume_after_sigkill_equals_an_uninterrupted_run() {
    let d = scratch("battery_resume", "kill");
    let cfg = config(&d, 0.1, true);
    let whole = d.join("whole");
    ok(&sweep(&cfg, &whole, &[]));
    let out = d.join("killed");
    start_and_signal(&cfg, &out, &[], 3, libc::SIGKILL);
    let partial = out.join(".nessbat-partial");
    // Whole chunks only, disjoint, in the grid, no temporary left named
    // as a chunk.
    let found = chunks(&partial);
    assert!(found.len() >= 3, "{found:?}");
    for w in found.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping chunks {found:?}");
    }
    assert!(
        found.iter().all(|(a, b)| a < b && *b <= 180_000),
        "{found:?}"
    );

    // Without --resume the folder is refused, with it the sweep completes.
    let o = sweep(&cfg, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    let o = sweep(&cfg, &out, &["--resume"]);
    ok(&o);
    same_files(&whole, &out);
    assert!(!partial.exists(), "the checkpoint is removed once written");
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    // Every chunk found is read back, no more.
    let restored = meta["points_restored"].as_u64().unwrap();
    let kept: u64 = found.iter().map(|(a, b)| b - a).sum();
    assert_eq!(restored, kept, "{found:?}");
    assert_eq!(
        meta["points_computed"].as_u64().unwrap() + restored,
        180_000
    );

    // Finished: --resume has nothing to do; a plain run is refused.
    let o = nessbat(&loud(&cfg, &out, &["--resume"]));
    ok(&o);
    assert!(String::from_utf8_lossy(&o.stdout).contains("nothing to do"));
    let o = sweep(&cfg, &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    // Refused without --quiet too, in one line (the backend's notice comes
    // only once the folder is accepted).
    let o = nessbat(&loud(&cfg, &out, &[]));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--force") && err.lines().count() == 1, "{err}");
}

#[test]
fn damaged_chunks_are_recomputed_and_foreign_ones_refused() {
    let d = scratch("battery_resume", "damaged");
    let cfg = config(&d, 0.2, true);
    let whole = d.join("whole");
    ok(&sweep(&cfg, &whole, &[]));
    let out = d.join("killed");
    start_and_signal(&cfg, &out, &[], 3, libc::SIGKILL);
    let partial = out.join(".nessbat-partial");
    // One bit of one figure flipped in the first chunk: still a whole
    // file, but no longer its hash.
    let (a, b) = chunks(&partial)[0];
    let file = partial.join(format!("chunk-{a}-{b}.bin"));
    let mut bytes = std::fs::read(&file).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&file, bytes).unwrap();

    // Another config (λ), or the GPU's strokes, are another sweep.
    let other = config(&d, 0.3, true);
    let o = sweep(&other, &out, &["--resume"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("another config") && err.lines().count() == 1,
        "{err}"
    );
    assert!(partial.exists(), "a refusal leaves the checkpoint");

    let o = nessbat(&loud(&cfg, &out, &["--resume"]));
    ok(&o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("points {a}..{b} was damaged")),
        "{err}"
    );
    same_files(&whole, &out);
}

/// Ctrl-C on a shard of reductions only: every point computed is written
/// (the partial chunk too), exit 130 with the command that continues;
/// resumed, the shard's files equal an uninterrupted shard's.
#[test]
fn ctrl_c_on_a_shard_keeps_its_points_and_resumes() {
    let d = scratch("battery_resume", "sigint");
    let cfg = config(&d, 0.15, false);
    let shard = ["--shard", "1/2"];
    let whole = d.join("whole");
    ok(&sweep(&cfg, &whole, &shard));
    let out = d.join("interrupted");
    let o = start_and_signal(&cfg, &out, &shard, 2, libc::SIGINT);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(130), "{err}");
    // After the config's own warnings (this chain's secular one), the
    // interruption is what is said.
    let said: Vec<&str> = err.lines().filter(|l| !l.starts_with("warning:")).collect();
    assert!(
        said[0].starts_with("interrupted;") && err.contains("--resume"),
        "{err}"
    );
    // The shard is points 90000..180000; its chunks lie there, and the
    // last one written need not be whole.
    let found = chunks(&out.join(".nessbat-partial"));
    assert!(
        found.iter().all(|(a, b)| *a >= 90_000 && *b <= 180_000),
        "{found:?}"
    );
    let o = sweep(&cfg, &out, &["--shard", "1/2", "--resume"]);
    ok(&o);
    same_files(&whole, &out);
}

/// SIGTERM under the default interval (30 s): nothing is written before
/// the signal, every point computed is written on it (exit 143), and the
/// resumed run equals an uninterrupted one.
#[test]
fn sigterm_writes_the_waiting_points_and_resumes() {
    let d = scratch("battery_resume", "sigterm");
    let cfg = config(&d, 0.25, true);
    let whole = d.join("whole");
    ok(&sweep(&cfg, &whole, &[]));
    let out = d.join("terminated");
    let default = ["--checkpoint-seconds", "30"];
    let o = start_and_signal(&cfg, &out, &default, 0, libc::SIGTERM);
    assert_eq!(
        o.status.code(),
        Some(143),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let found = chunks(&out.join(".nessbat-partial"));
    assert!(!found.is_empty(), "SIGTERM wrote nothing");
    ok(&sweep(&cfg, &out, &["--resume"]));
    same_files(&whole, &out);
}

#[test]
fn chunks_of_another_sweep_copied_in_are_recomputed() {
    // Chunks carry their sweep's identity: one of another config (λ),
    // given this sweep's file name and range, is not read back as this
    // sweep's points (its figures differ, so the files would).
    let d = scratch("battery_resume", "foreign");
    let cfg = config(&d, 0.25, true);
    let whole = d.join("whole");
    ok(&sweep(&cfg, &whole, &[]));
    let theirs = d.join("theirs");
    start_and_signal(&config(&d, 0.35, true), &theirs, &[], 4, libc::SIGKILL);
    let out = d.join("ours");
    start_and_signal(&cfg, &out, &[], 1, libc::SIGKILL);
    let partial = out.join(".nessbat-partial");
    let own = chunks(&partial);
    let mut planted = 0;
    for (a, b) in chunks(&theirs.join(".nessbat-partial")) {
        if own.iter().all(|&(x, y)| b <= x || y <= a) {
            let name = format!("chunk-{a}-{b}.bin");
            std::fs::copy(
                theirs.join(".nessbat-partial").join(&name),
                partial.join(&name),
            )
            .unwrap();
            planted += 1;
        }
    }
    assert!(
        planted >= 1,
        "no chunk of theirs lies outside ours: {own:?}"
    );
    ok(&sweep(&cfg, &out, &["--resume"]));
    same_files(&whole, &out);
}
