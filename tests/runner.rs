//! The library runner without the binary: a checkpointed sweep equals the
//! CPU backend's arrays, a resumed one reuses its checkpoints, and a
//! shard's arrays are its slice of the whole (the CLI tests in
//! tests/resume.rs and tests/shards.rs cover SIGKILL, damage and merge).

mod common;

use common::files::scratch;
use common::sweeps::{all_rows, grid};
use nessbat::backend::cpu;
use nessbat::backend::run::Backend;
use nessbat::backend::Progress;
use nessbat::store::shard::Shard;
use nessbat::sweep::runner::{Mode, Resumed, Sweep};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Chunks journaled in the checkpoint folder of `dir`.
fn chunk_files(dir: &std::path::Path) -> usize {
    common::files::journaled(&dir.join(".nessbat-partial"))
}

const CONFIG: &str = "tests/configs/thermal.toml";

/// Every float of every point, bit for bit (NaN included).
fn bits(res: &nessbat::store::SweepResults) -> Vec<Vec<u64>> {
    all_rows(res)
        .iter()
        .map(|r| r.iter().map(|v| v.to_bits()).collect())
        .collect()
}

#[test]
fn a_checkpointed_sweep_equals_the_backend_and_resumes_from_its_chunks() {
    let g = grid(CONFIG);
    let want = bits(&cpu::run(&g, &Progress::NONE));
    let dir = scratch("runner", "checkpoints");
    // Every chunk written as it finishes (the default waits 30 s).
    let out = Sweep::new(&g)
        .checkpoints(&dir, 1000, Mode::Fresh)
        .checkpoint_every(Duration::ZERO)
        .run(&Backend::Cpu, &Progress::NONE, &|_| {})
        .expect("a fresh folder runs");
    assert_eq!(out.grid_points, g.len());
    assert_eq!(out.info.computed, g.len());
    assert_eq!(bits(out.full.as_ref().unwrap()), want);
    // The first run ends without writing or finishing (as a killed one
    // does): its folder lock goes, the checkpoints stay, and a resume reads
    // every chunk back instead of computing it.
    drop(out);
    let notices = std::sync::Mutex::new(Vec::new());
    let again = Sweep::new(&g)
        .checkpoints(&dir, 1000, Mode::Resume)
        .run(&Backend::Cpu, &Progress::NONE, &|n| {
            notices.lock().unwrap().push(n.to_string())
        })
        .expect("an interrupted sweep resumes");
    assert_eq!(bits(again.full.as_ref().unwrap()), want);
    let notices = notices.into_inner().unwrap();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("5 checkpoint chunks reused")),
        "{notices:?}"
    );
    again.write(&dir, &|_| Ok(Vec::new())).unwrap();
    again.finish();
    assert!(dir.join("metadata.json").exists());
    assert!(!dir.join(".nessbat-partial").exists());
    // A finished folder resumes to nothing.
    let done = Sweep::new(&g).resume(&dir, 1000, &Backend::Cpu, &Progress::NONE, &|_| {});
    assert!(matches!(done, Ok(Resumed::Finished(d)) if d == dir));
}

#[test]
fn a_short_sweep_writes_no_checkpoints_and_a_stopped_one_keeps_what_finished() {
    let g = grid(CONFIG);
    let want = bits(&cpu::run(&g, &Progress::NONE));
    // Under the default interval a sweep of a fraction of a second writes
    // its arrays once, in place: no chunk is journaled.
    let dir = scratch("runner", "interval");
    let out = Sweep::new(&g)
        .checkpoints(&dir, 1000, Mode::Fresh)
        .run(&Backend::Cpu, &Progress::NONE, &|_| {})
        .unwrap();
    assert_eq!(chunk_files(&dir), 0);
    assert_eq!(bits(out.full.as_ref().unwrap()), want);
    drop(out);
    // Stopped (Ctrl-C) in the third chunk: the two finished are journaled
    // although the interval has not passed, and a resume reuses them.
    let dir = scratch("runner", "stopped");
    let (done, stop) = (AtomicU64::new(0), AtomicBool::new(false));
    let tick = |n: u64| {
        if done.fetch_add(n, Ordering::Relaxed) + n >= 2500 {
            stop.store(true, Ordering::Relaxed);
        }
    };
    let progress = Progress::new(&tick).stop_on(&stop);
    let stopped =
        Sweep::new(&g)
            .checkpoints(&dir, 1000, Mode::Fresh)
            .run(&Backend::Cpu, &progress, &|_| {});
    assert!(matches!(stopped, Err(nessbat::Error::Interrupted)));
    let kept = chunk_files(&dir);
    assert!(kept >= 2, "{kept} chunks kept");
    let again = Sweep::new(&g)
        .checkpoints(&dir, 1000, Mode::Resume)
        .run(&Backend::Cpu, &Progress::NONE, &|_| {})
        .unwrap();
    assert_eq!(again.restored, 1000 * kept as u64);
    assert_eq!(bits(again.full.as_ref().unwrap()), want);
}

#[test]
fn a_shard_is_its_slice_of_the_whole() {
    let g = grid(CONFIG);
    let whole = bits(&cpu::run(&g, &Progress::NONE));
    let shard = Shard::parse("2/3").unwrap();
    let range = shard.range(g.len()).unwrap();
    let out = Sweep::new(&g)
        .shard(Some(shard))
        .run(&Backend::Cpu, &Progress::NONE, &|_| {})
        .unwrap();
    let part = bits(out.full.as_ref().unwrap());
    assert_eq!(part, whole[range.start as usize..range.end as usize]);
    assert_eq!(out.info.shard.as_ref().unwrap()["k"], 2);
}
