//! Writing a result folder so that nothing is ever half-written under a
//! final name: every file goes into a hidden staging folder inside the
//! output folder and is renamed into place when all are complete,
//! `metadata.json` last, so a folder with metadata.json holds a whole
//! result. The built-in sweeps ([`super::output`]) and battery sweeps
//! write through here.

use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use super::output::{checksum, remove_previous};

/// Runs `write` with a fresh staging folder inside `dir` (created), and
/// removes the staging folder afterwards, whatever happened.
pub fn staged(dir: &Path, write: impl FnOnce(&Path) -> std::io::Result<()>) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let staging = dir.join(format!(".nessbat-staging-{}", std::process::id()));
    let result = std::fs::create_dir_all(&staging).and_then(|_| write(&staging));
    let _ = std::fs::remove_dir_all(&staging);
    result
}

/// Finishes a staged write: the SHA-256 of every `.npy` in `files` not yet
/// in `sums`, metadata.json from `metadata(sums)` with the list of files,
/// then the previous result's files removed and the new ones renamed into
/// `dir`, metadata.json last.
pub fn commit(
    staging: &Path,
    dir: &Path,
    files: Vec<PathBuf>,
    mut sums: Map<String, Value>,
    metadata: impl FnOnce(&Map<String, Value>) -> Value,
) -> std::io::Result<()> {
    for f in &files {
        let name = file_name(f);
        if name.ends_with(".npy") && !sums.contains_key(&name) {
            sums.insert(name, Value::String(checksum(f)?));
        }
    }
    let mut meta = metadata(&sums);
    let names: Vec<String> = files.iter().map(|f| file_name(f)).collect();
    // Every file this run writes, so that a rerun with --force removes
    // exactly these before writing its own.
    meta["files"] = json!(names);
    let meta = serde_json::to_vec_pretty(&meta).map_err(std::io::Error::other)?;
    let meta_path = staging.join("metadata.json");
    std::fs::write(&meta_path, meta)?;
    // The previous run's files go (a folder holds exactly one run's), and a
    // stale metadata.json must not vouch for the new arrays mid-rename.
    remove_previous(dir)?;
    let _ = std::fs::remove_file(dir.join("metadata.json"));
    for f in files.iter().chain(std::iter::once(&meta_path)) {
        std::fs::rename(f, dir.join(f.file_name().expect("staged files have names")))?;
    }
    Ok(())
}

/// A staged file's name.
pub fn file_name(f: &Path) -> String {
    f.file_name()
        .expect("staged files have names")
        .to_string_lossy()
        .into_owned()
}
