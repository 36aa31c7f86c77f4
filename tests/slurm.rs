//! The shards on a real SLURM: a one-node cluster on localhost (munged,
//! slurmctld, slurmd started by tests/slurm/cluster.sh), a job array of
//! `nessbat sweep --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT` and
//! a merge job with --dependency=afterok; the merged arrays must equal an
//! unsharded run's bit for bit. Runs under NESSBAT_SLURM_TEST=1 (set by
//! .ci/run after installing Debian's slurmctld, slurmd, slurm-client and
//! munge); `cargo test --release -- slurm` runs it alone.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::files::same_arrays;

/// Stops the daemons this test started, and only those, however it ends.
struct Cluster(PathBuf);

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg("tests/slurm/cluster.sh")
            .arg("stop")
            .arg(&self.0)
            .status();
    }
}

fn slurm(dir: &Path, program: &str, args: &[&str]) -> String {
    let o = Command::new(program)
        .args(args)
        .env("SLURM_CONF", dir.join("slurm.conf"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn slurm_job_array_and_merge_equal_an_unsharded_run() {
    if std::env::var("NESSBAT_SLURM_TEST").as_deref() != Ok("1") {
        let _ = writeln!(std::io::stderr(), "SKIPPED slurm test: set NESSBAT_SLURM_TEST=1 (needs slurmctld, slurmd, slurm-client, munge)");
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("slurm");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = Command::new("bash")
        .arg("tests/slurm/cluster.sh")
        .arg("start")
        .arg(&dir)
        .status()
        .unwrap();
    let _cluster = Cluster(dir.clone());
    assert!(
        ok.success(),
        "the cluster did not start; logs in {}",
        dir.display()
    );

    let bin = env!("CARGO_BIN_EXE_nessbat");
    let cfg = dir.join("sweep.toml");
    std::fs::write(
        &cfg,
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n\
         [[axes]]\nname = \"t_a\"\nrange = [0.3, 4.0]\npoints = 9\nspacing = \"log\"\n\
         [[axes]]\nname = \"tau\"\nvalues = [0.01, 1.0, 150.0, 1e4, 3.0]\n",
    )
    .unwrap();
    let d = dir.display();
    std::fs::write(
        dir.join("sweep.sbatch"),
        format!(
            "#!/bin/bash\n#SBATCH --array=0-3\n#SBATCH --output={d}/task-%a.log\nset -euo pipefail\n\
             {bin} sweep --config {d}/sweep.toml --out {d}/shards/$SLURM_ARRAY_TASK_ID \
             --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT --backend cpu --quiet\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("merge.sbatch"),
        format!("#!/bin/bash\n#SBATCH --output={d}/merge.log\nset -euo pipefail\n{bin} merge {d}/shards/* --out {d}/merged\n"),
    )
    .unwrap();
    let array = slurm(
        &dir,
        "sbatch",
        &["--parsable", dir.join("sweep.sbatch").to_str().unwrap()],
    );
    let array = array.trim().split(';').next().unwrap().to_string();
    slurm(
        &dir,
        "sbatch",
        &[
            "--parsable",
            &format!("--dependency=afterok:{array}"),
            dir.join("merge.sbatch").to_str().unwrap(),
        ],
    );
    let t = Instant::now();
    while !slurm(&dir, "squeue", &["-h"]).trim().is_empty() {
        assert!(
            t.elapsed() < Duration::from_secs(180),
            "jobs still queued after 180 s: {}",
            slurm(&dir, "squeue", &[])
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let merged = dir.join("merged");
    assert!(
        merged.join("metadata.json").exists(),
        "no merged output; see {}/merge.log and task-*.log",
        d
    );

    let whole = dir.join("whole");
    let o = Command::new(bin)
        .args([
            "sweep",
            "--config",
            cfg.to_str().unwrap(),
            "--out",
            whole.to_str().unwrap(),
            "--backend",
            "cpu",
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    same_arrays(&whole, &merged);
}
