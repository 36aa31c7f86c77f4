//! `nessbat sweep --shard K/N` and `nessbat merge`: the merged arrays equal
//! an unsharded run's bit for bit; wrong sets of shards are refused.

use std::path::Path;

mod common;

use common::files::{nessbat, same_arrays, scratch};

fn config(dir: &Path, name: &str, lambda: f64) -> String {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!(
            "[fixed]\nlambda = {lambda}\ngamma = 1e-3\nt_s = 0.1\n\
             [[axes]]\nname = \"t_a\"\nrange = [0.3, 4.0]\npoints = 7\nspacing = \"log\"\n\
             [[axes]]\nname = \"tau\"\nvalues = [0.01, 1.0, 150.0, 1e4, 3.0]\n"
        ),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

fn sweep(cfg: &str, out: &Path, shard: Option<&str>) {
    let mut args = vec![
        "sweep",
        "--config",
        cfg,
        "--out",
        out.to_str().unwrap(),
        "--backend",
        "cpu",
        "--quiet",
    ];
    if let Some(s) = shard {
        args.extend(["--shard", s]);
    }
    let o = nessbat(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `nessbat merge SHARDS --out OUT`.
fn merge_args<'a>(shards: &'a [String], out: &'a str) -> Vec<&'a str> {
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", out]);
    args
}

#[track_caller]
fn refused(args: &[&str], names: &str) {
    let o = nessbat(args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(names), "{err} does not name {names}");
}

#[test]
fn merged_shards_equal_an_unsharded_run() {
    let d = scratch("shards", "merge");
    let cfg = config(&d, "c.toml", 0.01);
    sweep(&cfg, &d.join("whole"), None);
    // 35 points in 4 shards of 8 or 9 points, given to merge out of order.
    for k in 0..4 {
        sweep(&cfg, &d.join(format!("s{k}")), Some(&format!("{k}/4")));
    }
    let shards: Vec<String> = [2, 0, 3, 1]
        .iter()
        .map(|k| d.join(format!("s{k}")).to_str().unwrap().to_string())
        .collect();
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    let out = d.join("merged");
    args.extend(["--out", out.to_str().unwrap()]);
    let o = nessbat(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_arrays(&d.join("whole"), &out);
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("metadata.json")).unwrap()).unwrap();
    let whole: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("whole/metadata.json")).unwrap()).unwrap();
    for k in [
        "config",
        "axes",
        "shape",
        "model",
        "protocol",
        "precision",
        "checksums",
    ] {
        assert_eq!(meta[k], whole[k], "metadata {k}");
    }

    // Missing, duplicated, foreign and damaged shards are refused.
    refused(
        &[
            "merge",
            &shards[0],
            &shards[1],
            &shards[2],
            "--out",
            "/nonexistent/x",
        ],
        "missing",
    );
    refused(
        &[
            "merge",
            &shards[0],
            &shards[0],
            &shards[1],
            &shards[2],
            &shards[3],
            "--out",
            "/nonexistent/x",
        ],
        "twice",
    );
    let other = config(&d, "other.toml", 0.02);
    sweep(&other, &d.join("o1"), Some("1/4"));
    let o1 = d.join("o1").to_str().unwrap().to_string();
    refused(
        &[
            "merge",
            &shards[0],
            &shards[1],
            &shards[2],
            &o1,
            "--out",
            "/nonexistent/x",
        ],
        "config",
    );
    let victim = d.join("s3/power.npy");
    let mut bytes = std::fs::read(&victim).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&victim, bytes).unwrap();
    refused(&merge_args(&shards, "/nonexistent/x"), "checksum");
}

#[test]
fn bad_shard_specs_are_refused() {
    let d = scratch("shards", "bad");
    let cfg = config(&d, "c.toml", 0.01);
    let out = d.join("out");
    let specs = [
        ("4/4", "--shard"),
        ("0/0", "--shard"),
        ("a/b", "--shard"),
        ("3", "--shard"),
        ("1/x", "--shard"),
        ("2/1", "--shard"),
        ("0/36", "at most"),
    ];
    for (spec, names) in specs {
        refused(
            &[
                "sweep",
                "--config",
                &cfg,
                "--out",
                out.to_str().unwrap(),
                "--shard",
                spec,
            ],
            names,
        );
    }
    assert!(!out.exists());
}

#[test]
fn sharded_reductions_merge_into_the_unsharded_reductions() {
    let d = scratch("shards", "reduce");
    // Reductions only (no full arrays), over an inner axis, an outer axis
    // and both: 7 x 5 = 35 points, so 4 shards split cells of every pass.
    let p = d.join("c.toml");
    std::fs::write(
        &p,
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.3, 4.0]\npoints = 7\nspacing = \"log\"\n\
         [[axes]]\nname = \"tau\"\nvalues = [0.01, 1.0, 150.0, 1e4, 3.0]\n\
         [[reduce]]\nover = [\"tau\"]\nquantity = \"power\"\nop = \"argmax\"\nwhere = \"efficiency >= 0.011\"\n\
         [[reduce]]\nover = [\"t_a\"]\nquantity = \"efficiency\"\nop = \"argmin\"\n\
         [[reduce]]\nover = [\"t_a\", \"tau\"]\nquantity = \"ergotropy\"\nop = \"max\"\n",
    )
    .unwrap();
    let cfg = p.to_str().unwrap();
    sweep(cfg, &d.join("whole"), None);
    for k in 0..4 {
        sweep(cfg, &d.join(format!("s{k}")), Some(&format!("{k}/4")));
    }
    let shards: Vec<String> = [3, 1, 0, 2]
        .iter()
        .map(|k| d.join(format!("s{k}")).to_str().unwrap().to_string())
        .collect();
    let out = d.join("merged");
    let o = nessbat(&merge_args(&shards, out.to_str().unwrap()));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(d.join("whole"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".npy"))
        .collect();
    // value, count, flagged, status for three entries, plus the two arg
    // arrays.
    assert_eq!(names.len(), 3 * 4 + 2, "{names:?}");
    for n in &names {
        let a = std::fs::read(d.join("whole").join(n)).unwrap();
        let b = std::fs::read(out.join(n)).unwrap();
        assert!(a == b, "{n} differs between the whole run and the merge");
    }
    // Shards hold partial accumulators, not reduced arrays.
    assert!(d.join("s0/partial-0.key.npy").exists());
    assert!(!d.join("s0/argmax_power_over_tau.npy").exists());
    // A shard missing, or one damaged, is refused.
    refused(
        &merge_args(&shards[..3], d.join("m1").to_str().unwrap()),
        "missing",
    );
    std::fs::write(d.join("s2/partial-1.count.npy"), b"damaged").unwrap();
    refused(
        &merge_args(&shards, d.join("m2").to_str().unwrap()),
        "partial-1.count.npy",
    );
}
