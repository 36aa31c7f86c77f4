//! Shards of a battery sweep (`nessbat sweep --shard K/N` with a
//! `[battery]`) and their merge (`nessbat merge`):
//! - merged shards are the unsharded run, every array byte for byte (full
//!   arrays, status, and every reduction's value, arg axes, count, flagged
//!   and status), with reductions over cells that straddle shards, and
//!   with reductions only;
//! - shards of different configs or outputs, a missing shard, `--plot` on
//!   a shard and `--out` naming one of the shards are refused in one line.

mod common;

use common::files::{bad_input, nessbat, scratch};
use common::MASER_BATTERY;

/// The maser over (T_h, T_c, τ), 5 × 7 × 3 points, with reductions over
/// τ (cells of 3 consecutive points, which the shards cut) and over T_h.
fn config(full: bool, t_c_points: u32) -> String {
    format!(
        "full_arrays = {full}\n{MASER_BATTERY}[fixed]\ngamma_h = 1e-3\ngamma_c = 2e-3\n[[axes]]\nname = \"t_h\"\nvalues = [0.3, 0.8, 1.5, 2.0, 5.0]\n[[axes]]\nname = \"t_c\"\nrange = [0.05, 1.0]\npoints = {t_c_points}\n[[axes]]\nname = \"tau\"\nvalues = [5.0, 50.0, 500.0]\n[[reduce]]\nname = \"best\"\nop = \"argmax\"\nquantity = \"power\"\nover = [\"tau\"]\n[[reduce]]\nname = \"coldest\"\nop = \"min\"\nquantity = \"heat_c\"\nover = [\"t_h\"]\nwhere = \"power > 0\"\n"
    )
}

fn run(args: &[&str]) {
    let o = nessbat(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn merged_shards_are_the_unsharded_run_byte_for_byte() {
    for full in [true, false] {
        let dir = scratch("battery_shard", if full { "full" } else { "reduced" });
        let cfg = dir.join("c.toml");
        std::fs::write(&cfg, config(full, 7)).unwrap();
        let c = cfg.to_str().unwrap();
        let whole = dir.join("whole");
        run(&[
            "sweep",
            "--quiet",
            "--config",
            c,
            "--out",
            whole.to_str().unwrap(),
        ]);
        let mut shards = Vec::new();
        for k in 0..4 {
            let out = dir.join(format!("s{k}"));
            run(&[
                "sweep",
                "--quiet",
                "--config",
                c,
                "--out",
                out.to_str().unwrap(),
                "--shard",
                &format!("{k}/4"),
            ]);
            shards.push(out.to_str().unwrap().to_string());
        }
        let merged = dir.join("merged");
        let mut args = vec!["merge", "--out", merged.to_str().unwrap()];
        // Given out of order: the merge orders them.
        args.extend(shards.iter().rev().map(String::as_str));
        run(&args);
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(whole.join("metadata.json")).unwrap()).unwrap();
        let mut files: Vec<String> = meta["checksums"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        files.sort();
        assert!(files.len() >= 9, "{files:?}");
        assert_eq!(files.contains(&"power.npy".to_string()), full);
        for f in &files {
            let (a, b) = (
                std::fs::read(whole.join(f)).unwrap(),
                std::fs::read(merged.join(f)).unwrap(),
            );
            assert!(a == b, "{f} differs between the whole run and the merge");
        }
        let m: serde_json::Value =
            serde_json::from_slice(&std::fs::read(merged.join("metadata.json")).unwrap()).unwrap();
        assert_eq!(m["status_counts"], meta["status_counts"]);
        assert_eq!(m["reductions"], meta["reductions"]);
    }
}

#[test]
fn bad_shards_are_refused_in_one_line() {
    let dir = scratch("battery_shard", "bad");
    let (a, b) = (dir.join("a.toml"), dir.join("b.toml"));
    std::fs::write(&a, config(true, 7)).unwrap();
    std::fs::write(&b, config(true, 6)).unwrap();
    let shard = |cfg: &std::path::Path, k: u32, name: &str| {
        let out = dir.join(name);
        run(&[
            "sweep",
            "--quiet",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--shard",
            &format!("{k}/2"),
        ]);
        out.to_str().unwrap().to_string()
    };
    let (a0, b1) = (shard(&a, 0, "a0"), shard(&b, 1, "b1"));
    let out = dir.join("m");
    bad_input(
        &nessbat(&["merge", "--out", out.to_str().unwrap(), &a0, &b1]),
        "config differs",
    );
    bad_input(
        &nessbat(&["merge", "--out", out.to_str().unwrap(), &a0]),
        "shard 1/2 is missing",
    );
    assert!(!out.join("metadata.json").exists());
    let o = nessbat(&[
        "sweep",
        "--config",
        a.to_str().unwrap(),
        "--out",
        dir.join("p").to_str().unwrap(),
        "--shard",
        "0/2",
        "--plot",
    ]);
    bad_input(&o, "--plot with --shard");
    // Found by review: shards with other --outputs merged by argument
    // order, and --force over one of the shards destroyed it.
    let a1 = dir.join("a1");
    run(&[
        "sweep",
        "--quiet",
        "--config",
        a.to_str().unwrap(),
        "--out",
        a1.to_str().unwrap(),
        "--shard",
        "1/2",
        "--outputs",
        "power",
    ]);
    let a1 = a1.to_str().unwrap();
    for order in [[a0.as_str(), a1], [a1, a0.as_str()]] {
        let mut args = vec!["merge", "--out", out.to_str().unwrap()];
        args.extend(order);
        bad_input(&nessbat(&args), "outputs differs");
    }
    let a1_full = shard(&a, 1, "a1_full");
    bad_input(
        &nessbat(&["merge", "--force", "--out", &a1_full, &a0, &a1_full]),
        "is the shard",
    );
    assert!(std::path::Path::new(&a1_full)
        .join("partial-0.key.npy")
        .exists());
}

/// Shards on different backends (their roundings differ) are refused:
/// the merge would match no single run (found by review: merged, and
/// labelled with the first folder's backend).
#[test]
fn shards_of_two_backends_are_refused() {
    if common::gpu::gpu_or_skip("shards_of_two_backends_are_refused").is_none() {
        return;
    }
    let dir = scratch("battery_shard", "backends");
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, config(true, 3)).unwrap();
    let c = cfg.to_str().unwrap();
    let (s0, s1) = (dir.join("s0"), dir.join("s1"));
    run(&[
        "sweep",
        "--quiet",
        "--config",
        c,
        "--out",
        s0.to_str().unwrap(),
        "--shard",
        "0/2",
        "--backend",
        "cpu",
    ]);
    run(&[
        "sweep",
        "--quiet",
        "--config",
        c,
        "--out",
        s1.to_str().unwrap(),
        "--shard",
        "1/2",
        "--backend",
        "gpu",
    ]);
    let out = dir.join("m");
    let o = nessbat(&[
        "merge",
        "--out",
        out.to_str().unwrap(),
        s0.to_str().unwrap(),
        s1.to_str().unwrap(),
    ]);
    bad_input(&o, "backend differs");
    assert!(!out.join("metadata.json").exists());
}
