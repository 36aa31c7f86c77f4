//! Every config and command that README.md and docs/ show runs as written:
//! TOML blocks parse as sweep configs (whole configs also build a grid),
//! every config file in docs/configs/ builds a grid and the commands in its
//! header run, every `nessbat …` command line in a shell block runs (in a
//! scratch folder, with a small `big.toml` for the sharding example), and
//! every flag that a synopsis line names exists in that command's --help.

use std::path::{Path, PathBuf};
use std::process::Command;

use nessbat::config::SweepConfig;
use nessbat::grid::Grid;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// (file, line, language, body) of every fenced block.
fn blocks() -> Vec<(String, usize, String, String)> {
    let mut files = vec![PathBuf::from(ROOT).join("README.md")];
    for e in std::fs::read_dir(Path::new(ROOT).join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut lines = text.lines().enumerate();
        while let Some((i, l)) = lines.next() {
            if let Some(lang) = l.strip_prefix("```") {
                let mut body = String::new();
                for (_, l) in lines.by_ref() {
                    if l.starts_with("```") {
                        break;
                    }
                    body.push_str(l);
                    body.push('\n');
                }
                out.push((f.display().to_string(), i + 1, lang.to_string(), body));
            }
        }
    }
    out
}

#[test]
fn toml_blocks_are_valid_configs() {
    let mut n = 0;
    for (file, line, lang, body) in blocks() {
        if lang != "toml" {
            continue;
        }
        n += 1;
        let cfg = SweepConfig::parse(&body, &format!("{file}:{line}"))
            .unwrap_or_else(|e| panic!("{file}:{line}: {e}"));
        if !cfg.axes.is_empty() {
            Grid::new(cfg).unwrap_or_else(|e| panic!("{file}:{line}: {e}"));
        }
    }
    assert!(n >= 2, "the README's configs were not found");
}

/// A scratch folder with `docs` reachable and a small `big.toml`.
fn workdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("readme")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(Path::new(ROOT).join("docs"), d.join("docs")).unwrap();
    std::fs::write(
        d.join("big.toml"),
        "[fixed]\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nrange = [0.3, 4.0]\npoints = 8\n[[axes]]\nname = \"tau\"\nvalues = [1.0, 150.0]\n",
    )
    .unwrap();
    d
}

/// Runs `line` with bash in `dir`, the binary under test first on PATH,
/// with `env` set.
fn run(dir: &Path, line: &str, origin: &str, env: &[(&str, String)]) {
    let bin = Path::new(env!("CARGO_BIN_EXE_nessbat")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .args(["-c", line])
        .current_dir(dir)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{origin}: `{line}` failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs a batch script (docs/slurm.md) whole, once per array task with
/// SLURM's variables, as a cluster would (tests/slurm.rs runs a real one).
fn run_batch(dir: &Path, script: &str, origin: &str) {
    let array = script
        .lines()
        .find_map(|l| l.strip_prefix("#SBATCH --array="))
        .map(|r| {
            let r = r.split_whitespace().next().unwrap();
            let (a, b) = r.split_once('-').unwrap();
            a.parse::<u32>().unwrap()..=b.parse::<u32>().unwrap()
        });
    match array {
        Some(ids) => {
            let count = ids.clone().count().to_string();
            for id in ids {
                let env = [
                    ("SLURM_ARRAY_TASK_ID", id.to_string()),
                    ("SLURM_ARRAY_TASK_COUNT", count.clone()),
                ];
                run(dir, script, origin, &env);
            }
        }
        None => run(dir, script, origin, &[]),
    }
}

/// A synopsis (`[--flag …]`, `A|B`, placeholders in capitals) documents
/// flags rather than running: each `--flag` must be in the command's help.
fn synopsis(line: &str) -> bool {
    line.contains('[')
        || line.contains('|')
        || line
            .split_whitespace()
            .any(|w| w.len() > 2 && w.chars().all(|c| c.is_ascii_uppercase() || c == '.'))
}

#[test]
fn shell_commands_run_as_written() {
    let mut dirs = std::collections::HashMap::new();
    let mut ran = 0;
    for (file, line, lang, body) in blocks() {
        if lang != "sh" {
            continue;
        }
        // One folder per document: their examples write the same names.
        let dir = dirs
            .entry(file.clone())
            .or_insert_with(|| workdir(&Path::new(&file).file_stem().unwrap().to_string_lossy()))
            .clone();
        if body.starts_with("#!/bin/bash") {
            run_batch(&dir, &body, &format!("{file}:{line}"));
            ran += 1;
            continue;
        }
        // Continuation lines of a synopsis start with spaces.
        for (k, cmd) in body.lines().enumerate() {
            let origin = format!("{file}:{}", line + 1 + k);
            let cmd = cmd.trim();
            let cmd = cmd
                .strip_prefix("cargo run --release -- ")
                .map(|rest| format!("nessbat {rest}"))
                .unwrap_or_else(|| cmd.to_string());
            // `for …; do nessbat …; done` loops run whole.
            if cmd.starts_with("for ") && cmd.contains("nessbat ") {
                run(&dir, &cmd, &origin, &[]);
                ran += 1;
                continue;
            }
            if !cmd.starts_with("nessbat ") {
                continue;
            }
            let words: Vec<&str> = cmd.split_whitespace().collect();
            if synopsis(&cmd) {
                let help = Command::new(env!("CARGO_BIN_EXE_nessbat"))
                    .args([words[1], "--help"])
                    .output()
                    .unwrap();
                let help = String::from_utf8_lossy(&help.stdout);
                for w in &words {
                    let flag = w.trim_matches(|c| c == '[' || c == ']' || c == '"');
                    if flag.starts_with("--") {
                        assert!(
                            help.contains(flag),
                            "{origin}: {flag} is not a flag of `nessbat {}`",
                            words[1]
                        );
                    }
                }
                continue;
            }
            run(&dir, &cmd, &origin, &[]);
            ran += 1;
        }
    }
    assert!(ran >= 6, "only {ran} commands ran");
}

#[test]
fn docs_configs_build_and_their_commands_run() {
    let dir = workdir("configs");
    let mut n = 0;
    for e in std::fs::read_dir(Path::new(ROOT).join("docs/configs")).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        Grid::new(SweepConfig::parse(&text, &p.display().to_string()).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for (k, l) in text.lines().enumerate() {
            if let Some(cmd) = l.trim_start_matches('#').trim().strip_prefix("nessbat ") {
                // Each command gets a folder of its own: --out defaults
                // would otherwise collide.
                let cmd = if cmd.contains("--out") {
                    format!("nessbat {cmd}")
                } else {
                    format!(
                        "nessbat {cmd} --out out{k}-{}",
                        p.file_stem().unwrap().to_string_lossy()
                    )
                };
                run(&dir, &cmd, &format!("{}:{}", p.display(), k + 1), &[]);
                n += 1;
            }
        }
    }
    assert!(n >= 2);
}
