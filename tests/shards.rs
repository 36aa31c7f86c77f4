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
    refused(
        &[
            "merge",
            &shards[0],
            &shards[1],
            &shards[2],
            &shards[3],
            "--out",
            "/nonexistent/x",
        ],
        "checksum",
    );
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
