//! One rule for output folders: `optimize --out` and `merge --out` refuse a
//! folder that already holds results (a sweep, a merge, a front, an
//! optimum) unless --force, as `sweep` does, and leave it untouched.

mod common;

use common::files::{bad_input, nessbat, scratch};

const CONFIG: &str = "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n\
    [[axes]]\nname = \"t_a\"\nrange = [0.5, 4.0]\npoints = 5\n\
    [[axes]]\nname = \"tau\"\nvalues = [1.0, 10.0, 100.0]\n";

fn ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn optimize_and_merge_refuse_a_folder_with_results() {
    let d = scratch("folders", "refuse");
    let cfg = d.join("c.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let (cfg, done) = (cfg.to_str().unwrap(), d.join("done"));
    let done_s = done.to_str().unwrap();
    ok(&nessbat(&[
        "sweep",
        "--config",
        cfg,
        "--out",
        done_s,
        "--backend",
        "cpu",
        "--quiet",
    ]));
    let meta = std::fs::read(done.join("metadata.json")).unwrap();

    let opt = [
        "optimize",
        "--config",
        cfg,
        "--maximize",
        "power",
        "--backend",
        "cpu",
        "--out",
        done_s,
    ];
    bad_input(&nessbat(&opt), "--force");
    assert_eq!(
        std::fs::read(done.join("metadata.json")).unwrap(),
        meta,
        "metadata.json was replaced"
    );
    assert!(!done.join("history.csv").exists());
    let pareto = [
        "optimize",
        "--config",
        cfg,
        "--pareto",
        "power,efficiency",
        "--backend",
        "cpu",
        "--out",
        done_s,
    ];
    bad_input(&nessbat(&pareto), "--force");
    assert_eq!(std::fs::read(done.join("metadata.json")).unwrap(), meta);

    // Shards, merged into the finished sweep's folder: refused.
    let mut parts = Vec::new();
    for k in 0..2 {
        let p = d.join(format!("part{k}"));
        let shard = format!("{k}/2");
        ok(&nessbat(&[
            "sweep",
            "--config",
            cfg,
            "--out",
            p.to_str().unwrap(),
            "--backend",
            "cpu",
            "--quiet",
            "--shard",
            &shard,
        ]));
        parts.push(p.to_str().unwrap().to_string());
    }
    let merge = ["merge", &parts[0], &parts[1], "--out", done_s];
    bad_input(&nessbat(&merge), "--force");
    assert_eq!(std::fs::read(done.join("metadata.json")).unwrap(), meta);

    // A second optimum into the first one's folder: refused too.
    let first = d.join("opt");
    let first_s = first.to_str().unwrap();
    let opt2 = [
        "optimize",
        "--config",
        cfg,
        "--maximize",
        "power",
        "--backend",
        "cpu",
        "--out",
        first_s,
    ];
    ok(&nessbat(&opt2));
    // An optimum's folder holds history.csv and metadata.json.
    bad_input(&nessbat(&opt2), "already holds results (metadata.json)");

    // With --force each goes ahead.
    let mut forced = merge.to_vec();
    forced.push("--force");
    ok(&nessbat(&forced));
    let mut forced = opt.to_vec();
    forced.push("--force");
    ok(&nessbat(&forced));
    assert!(done.join("history.csv").exists());
}

#[test]
fn a_merge_into_a_folder_in_use_is_refused() {
    // A folder another run holds (its advisory lock, taken here as a
    // running sweep would): the merge is refused at once, exit 2, naming
    // it, and writes nothing there; once the lock goes it merges.
    let d = scratch("folders", "merge-lock");
    let cfg = d.join("c.toml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let cfg = cfg.to_str().unwrap();
    let mut parts = Vec::new();
    for k in 0..2 {
        let p = d.join(format!("part{k}"));
        let shard = format!("{k}/2");
        ok(&nessbat(&[
            "sweep",
            "--config",
            cfg,
            "--out",
            p.to_str().unwrap(),
            "--backend",
            "cpu",
            "--quiet",
            "--shard",
            &shard,
        ]));
        parts.push(p.to_str().unwrap().to_string());
    }
    let out = d.join("merged");
    std::fs::create_dir_all(&out).unwrap();
    let lock = std::fs::File::create(out.join(".nessbat-lock")).unwrap();
    lock.try_lock().unwrap();
    // What a running sweep has made there so far: named as in use, not as
    // holding results.
    std::fs::create_dir_all(out.join(".nessbat-partial")).unwrap();
    let merge = [
        "merge",
        &parts[0],
        &parts[1],
        "--out",
        out.to_str().unwrap(),
    ];
    bad_input(&nessbat(&merge), "in use by a running sweep or merge");
    assert!(!out.join("metadata.json").exists());
    drop(lock);
    std::fs::remove_dir_all(out.join(".nessbat-partial")).unwrap();
    ok(&nessbat(&merge));
    assert!(out.join("metadata.json").exists());
    assert!(
        !out.join(".nessbat-lock").exists(),
        "the merge's lock file stays"
    );
}
