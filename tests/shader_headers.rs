//! Every path that a shader, a twin or the host names in its comments
//! ("CPU twin: src/…", "kept in sync with shaders/…") exists, so that a
//! disagreement can be bisected to the file the comment points at. A path
//! is relative to its own crate's root: kernels/ for the kernel crate's
//! files, the repository for the main crate's (which may also name
//! kernels/…); a kernel file may name the main crate's files.

use std::path::Path;

/// Paths of the form src/….rs or shaders/….wgsl in `text`.
fn named_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (prefix, suffix) in [("src/", ".rs"), ("shaders/", ".wgsl")] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || "_/.".contains(c)))
                .unwrap_or(tail.len());
            let cand = tail[..end].trim_end_matches('.');
            if cand.ends_with(suffix) {
                out.push(cand.to_string());
            }
            rest = &tail[prefix.len()..];
        }
    }
    out
}

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

#[test]
fn every_named_twin_and_shader_path_exists() {
    let mut sources = Vec::new();
    files(Path::new("kernels/shaders"), "wgsl", &mut sources);
    files(Path::new("kernels/src"), "rs", &mut sources);
    files(Path::new("src"), "rs", &mut sources);
    let mut missing = Vec::new();
    let mut named = 0;
    for f in &sources {
        let text = std::fs::read_to_string(f).unwrap();
        for p in named_paths(&text) {
            named += 1;
            // "kernels/src/x.rs" is also scanned as "src/x.rs", which the
            // kernel crate's root resolves.
            let found = Path::new(&p).exists() || Path::new("kernels").join(&p).exists();
            if !found {
                missing.push(format!("{}: {p}", f.display()));
            }
        }
    }
    assert!(named > 20, "only {named} paths named: the scan is broken");
    assert!(
        missing.is_empty(),
        "paths that do not exist:\n{}",
        missing.join("\n")
    );
}
