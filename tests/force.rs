//! `sweep --force` leaves exactly the new run's files: what the previous
//! run wrote (metadata.json lists it) goes first, and nothing else, even
//! where that metadata.json is damaged or hostile.

mod common;

use std::collections::BTreeSet;

use common::files::{nessbat, scratch};

const TWO_D: &str = "[fixed]\nlambda = 0.01\ngamma = 1e-3\ntau = 150.0\n[[axes]]\nname = \"t_a\"\nrange = [0.5, 3.0]\npoints = 4\n[[axes]]\nname = \"t_s\"\nrange = [0.1, 0.3]\npoints = 3\n";
const ONE_D: &str = "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_a = 2.0\nt_s = 0.1\n[[axes]]\nname = \"tau\"\nvalues = [1.0, 10.0]\n";

fn files(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect()
}

fn sweep(cfg: &std::path::Path, out: &std::path::Path, extra: &[&str]) {
    command("sweep", cfg, out, &[&["--quiet"], extra].concat());
}

/// `nessbat COMMAND --config CFG --out OUT --backend cpu EXTRA`,
/// which must succeed.
fn command(name: &str, cfg: &std::path::Path, out: &std::path::Path, extra: &[&str]) {
    let mut args = vec![
        name,
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
    ];
    args.extend_from_slice(extra);
    let o = nessbat(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The files `out/metadata.json` says the run wrote, and metadata.json.
fn listed(out: &std::path::Path) -> BTreeSet<String> {
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let mut want: BTreeSet<String> = meta["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    want.insert("metadata.json".into());
    want
}

#[test]
fn force_leaves_exactly_the_new_runs_files() {
    let dir = scratch("force", "exact");
    let (two, one) = (dir.join("two.toml"), dir.join("one.toml"));
    std::fs::write(&two, TWO_D).unwrap();
    std::fs::write(&one, ONE_D).unwrap();
    let out = dir.join("out");
    sweep(&two, &out, &["--plot"]);
    assert!(files(&out).contains("power.png"));
    sweep(&one, &out, &["--force", "--outputs", "power"]);
    assert_eq!(files(&out), listed(&out));
    assert!(!files(&out).contains("power.png"));
    assert!(!files(&out).contains("ergotropy.npy"));
}

#[test]
fn a_hostile_metadata_json_deletes_nothing_else() {
    let dir = scratch("force", "hostile");
    let cfg = dir.join("one.toml");
    std::fs::write(&cfg, ONE_D).unwrap();
    let out = dir.join("out");
    sweep(&cfg, &out, &[]);
    // Victims outside the folder, in a subfolder, hidden, behind a link,
    // and a file of a kind nessbat never writes.
    let outside = dir.join("victim.npy");
    std::fs::write(&outside, "keep").unwrap();
    std::fs::create_dir_all(out.join("sub")).unwrap();
    std::fs::write(out.join("sub").join("x.npy"), "keep").unwrap();
    std::fs::write(out.join(".hidden.npy"), "keep").unwrap();
    std::fs::write(out.join("notes.txt"), "keep").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, out.join("link.npy")).unwrap();
    let hostile = serde_json::json!({
        "files": ["../victim.npy", outside.to_str().unwrap(), "sub/x.npy", ".hidden.npy",
                  "notes.txt", "link.npy", "sub", ".."],
        "checksums": {"../victim.npy": "x", "/etc/passwd": "x"},
    });
    std::fs::write(out.join("metadata.json"), hostile.to_string()).unwrap();
    sweep(&cfg, &out, &["--force"]);
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    assert_eq!(
        std::fs::read_to_string(out.join("sub").join("x.npy")).unwrap(),
        "keep"
    );
    assert_eq!(
        std::fs::read_to_string(out.join(".hidden.npy")).unwrap(),
        "keep"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "keep"
    );
    #[cfg(unix)]
    assert!(std::fs::symlink_metadata(out.join("link.npy"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(out.join("power.npy").exists());
}

/// A long reduction-only sweep (no arrays on disk) to hold a folder.
const LONG: &str = "model = \"density-matrix\"\n[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nrange = [0.5, 3.0]\npoints = 4000\n[[axes]]\nname = \"tau\"\nrange = [1.0, 100.0]\npoints = 2000\n[[reduce]]\nover = [\"tau\"]\nquantity = \"power\"\nop = \"max\"\n";

#[test]
fn a_folder_in_use_by_a_running_sweep_is_refused() {
    let dir = scratch("force", "lock");
    let cfg = dir.join("long.toml");
    std::fs::write(&cfg, LONG).unwrap();
    let out = dir.join("out");
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = [
            "sweep",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--backend",
            "cpu",
            "--quiet",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args(args(&[]))
        .spawn()
        .unwrap();
    let lock = out.join(".nessbat-lock");
    let t = std::time::Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|s| s.contains("pid")) {
        assert!(
            t.elapsed().as_secs() < 20,
            "the first sweep never took the lock"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The requeued job's ways in: plain, --force, --resume. Each refused at
    // once, naming the holder, and leaving the running sweep alone.
    for extra in [&[][..], &["--force"], &["--resume"]] {
        let a = args(extra);
        let o = nessbat(&a.iter().map(String::as_str).collect::<Vec<_>>());
        let err = String::from_utf8_lossy(&o.stderr);
        if first.try_wait().unwrap().is_some() {
            eprintln!("SKIPPED the rest: the first sweep finished too soon");
            return;
        }
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {err}");
        assert!(
            err.contains("in use by a running sweep or merge (pid"),
            "{err}"
        );
    }
    // kill -9 frees the lock: --resume then continues.
    first.kill().unwrap();
    first.wait().unwrap();
    let a = args(&["--resume"]);
    let o = nessbat(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("metadata.json").exists());
    assert!(!lock.exists(), "the lock file goes with the finished run");
}

#[test]
fn force_across_commands_leaves_exactly_the_new_results_files() {
    // A sweep with plots, then a Pareto front over it, then an optimum,
    // then a sweep again, each with --force into the same folder: each
    // time the folder holds exactly what the last command lists.
    let dir = scratch("force", "across");
    let two = dir.join("two.toml");
    std::fs::write(&two, TWO_D).unwrap();
    let out = dir.join("out");
    sweep(&two, &out, &["--plot"]);
    let optimize = |extra: &[&str]| {
        command("optimize", &two, &out, &[&["--force"], extra].concat());
    };
    optimize(&["--pareto", "power,efficiency", "--plot"]);
    assert_eq!(files(&out), listed(&out));
    assert!(files(&out).contains("pareto.png") && !files(&out).contains("power.png"));
    optimize(&["--maximize", "power"]);
    assert_eq!(files(&out), listed(&out));
    assert!(files(&out).contains("history.csv") && !files(&out).contains("pareto.csv"));
    sweep(&two, &out, &["--force"]);
    assert_eq!(files(&out), listed(&out));
    assert!(!files(&out).contains("history.csv"));
}

#[test]
fn arrays_without_metadata_are_not_overwritten_silently() {
    // A result whose metadata.json is gone (or garbled): a plain sweep is
    // refused, and --force replaces every array and plot a sweep names
    // the same way, so that no stale one stays beside the new run's.
    let dir = scratch("force", "no-metadata");
    let (two, one) = (dir.join("two.toml"), dir.join("one.toml"));
    std::fs::write(&two, TWO_D).unwrap();
    std::fs::write(&one, ONE_D).unwrap();
    let out = dir.join("out");
    sweep(&two, &out, &["--plot"]);
    for damage in ["remove", "garble"] {
        match damage {
            "remove" => std::fs::remove_file(out.join("metadata.json")).unwrap(),
            _ => std::fs::write(out.join("metadata.json"), "{ not json").unwrap(),
        }
        if damage == "remove" {
            let o = nessbat(&[
                "sweep",
                "--config",
                one.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--backend",
                "cpu",
                "--quiet",
            ]);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(
                err.contains("without a finished sweep's metadata.json"),
                "{err}"
            );
            assert!(
                !out.join(".nessbat-lock").exists(),
                "a refusal leaves no lock file"
            );
        }
        sweep(&one, &out, &["--force", "--outputs", "power"]);
        let mut want: BTreeSet<String> = ["power.npy", "status.npy", "metadata.json"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(files(&out), want, "after {damage}");
        want.clear();
        sweep(&two, &out, &["--force", "--plot"]);
    }
}

#[test]
fn refusals_and_finished_resumes_leave_no_lock_file() {
    let dir = scratch("force", "lock-file");
    let two = dir.join("two.toml");
    std::fs::write(&two, TWO_D).unwrap();
    let out = dir.join("out");
    sweep(&two, &out, &[]);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "--config",
            two.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--backend",
            "cpu",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        nessbat(&args)
    };
    assert_eq!(run(&[]).status.code(), Some(2));
    assert!(!out.join(".nessbat-lock").exists());
    assert!(run(&["--resume"]).status.success());
    assert!(!out.join(".nessbat-lock").exists());
}

#[test]
fn a_closed_stdout_and_a_merge_over_stray_arrays_are_handled() {
    // The summary line cannot be printed (stdout is /dev/full): the sweep
    // is written and finished all the same, no panic, nothing left over.
    let dir = scratch("force", "stdout");
    let two = dir.join("two.toml");
    std::fs::write(&two, TWO_D).unwrap();
    let out = dir.join("out");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args([
            "sweep",
            "--config",
            two.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--backend",
            "cpu",
        ])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.join("metadata.json").exists());
    assert!(!out.join(".nessbat-lock").exists() && !out.join(".nessbat-partial").exists());
    // A merge into a folder holding nessbat arrays without metadata.json is
    // refused without --force, and those files stay.
    let mut shards = Vec::new();
    for k in 0..2 {
        let s = dir.join(format!("s{k}"));
        sweep(&two, &s, &["--shard", &format!("{k}/2")]);
        shards.push(s.to_str().unwrap().to_string());
    }
    let stray = dir.join("stray");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::copy(out.join("power.npy"), stray.join("power.npy")).unwrap();
    let o = nessbat(&[
        "merge",
        &shards[0],
        &shards[1],
        "--out",
        stray.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("without a metadata.json"), "{err}");
    assert!(stray.join("power.npy").exists());
}

#[test]
fn a_file_as_out_a_damaged_finished_folder_and_stale_staging() {
    let dir = scratch("force", "leftovers");
    let two = dir.join("two.toml");
    std::fs::write(&two, TWO_D).unwrap();
    // --out naming a file: one line that says so.
    let file = dir.join("afile");
    std::fs::write(&file, "x").unwrap();
    let o = nessbat(&[
        "sweep",
        "--config",
        two.to_str().unwrap(),
        "--out",
        file.to_str().unwrap(),
        "--backend",
        "cpu",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is a file, not a folder"), "{err}");
    // A finished folder missing an array is not "nothing to do".
    let out = dir.join("out");
    sweep(&two, &out, &[]);
    std::fs::remove_file(out.join("status.npy")).unwrap();
    let o = nessbat(&[
        "sweep",
        "--config",
        two.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
        "--resume",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("status.npy is missing"), "{err}");
    // A staging folder left by a run killed mid-rename goes with the next
    // run that holds the folder.
    std::fs::create_dir_all(out.join(".nessbat-staging-999999")).unwrap();
    std::fs::write(out.join(".nessbat-staging-999999/metadata.json"), "{}").unwrap();
    sweep(&two, &out, &["--force"]);
    assert!(!out.join(".nessbat-staging-999999").exists());
    assert!(out.join("status.npy").exists());
}
