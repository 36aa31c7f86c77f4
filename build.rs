//! Records the git commit the crate is built from, for metadata.json. The
//! shaders are generated and validated by the kernel crate's own build.rs
//! (kernels/build.rs).

fn main() {
    git_commit();
}

/// The git commit the crate is built from, for metadata.json
/// (`NESSBAT_GIT_COMMIT`; empty outside a git checkout).
fn git_commit() {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output();
    let commit = match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout).trim().to_string(),
        _ => String::new(),
    };
    let dirty = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.is_empty());
    let commit = if dirty && !commit.is_empty() {
        format!("{commit}-dirty")
    } else {
        commit
    };
    println!("cargo:rustc-env=NESSBAT_GIT_COMMIT={commit}");
    if std::path::Path::new(".git/HEAD").exists() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        println!("cargo:rerun-if-changed=.git/index");
    }
}
