//! Validates every shader variant with naga, so that a broken shader fails
//! `cargo build` with an error that names the file and line.

#[path = "src/twin/calibration.rs"]
#[allow(dead_code)]
mod calibration;
#[path = "src/twin/layout.rs"]
#[allow(dead_code)]
mod layout;
#[path = "src/twin/numerics.rs"]
#[allow(dead_code)]
mod numerics;
#[path = "src/backend/gpu/shader_source.rs"]
#[allow(dead_code)]
mod shader_source;

use shader_source::{parts, reduce_parts, KernelModel, Precision};

fn main() {
    println!("cargo:rerun-if-changed=shaders");
    println!("cargo:rerun-if-changed=src/backend/gpu/shader_source.rs");
    println!("cargo:rerun-if-changed=src/twin/layout.rs");
    println!("cargo:rerun-if-changed=src/twin/calibration.rs");
    println!("cargo:rerun-if-changed=src/twin/numerics.rs");
    git_commit();
    let mut variants = Vec::new();
    for precision in [Precision::F32, Precision::F64] {
        for model in [KernelModel::Populations, KernelModel::DensityMatrix] {
            variants.push((
                format!("{model:?}/{precision:?}"),
                precision,
                parts(model, precision),
            ));
        }
        variants.push((
            format!("reduce/{precision:?}"),
            precision,
            reduce_parts(precision),
        ));
    }
    for (label, precision, parts) in variants {
        {
            let source: String = parts
                .iter()
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            let module = match naga::front::wgsl::parse_str(&source) {
                Ok(m) => m,
                Err(e) => {
                    let line = e.location(&source).map(|l| l.line_number);
                    fail(&parts, line, &label, &e.emit_to_string(&source))
                }
            };
            let caps = match precision {
                Precision::F64 => naga::valid::Capabilities::FLOAT64,
                Precision::F32 => naga::valid::Capabilities::empty(),
            };
            let mut validator =
                naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps);
            let info = match validator.validate(&module) {
                Ok(info) => info,
                Err(e) => {
                    let line = e.location(&source).map(|l| l.line_number);
                    fail(&parts, line, &label, &e.emit_to_string(&source));
                }
            };
            // Also emit SPIR-V, as wgpu's Vulkan backend will: naga's writer
            // has bugs that validation does not see (it panics on some
            // short-circuit operators in loop conditions).
            let options = naga::back::spv::Options::default();
            let emitted = std::panic::catch_unwind(|| {
                naga::back::spv::write_vec(&module, &info, &options, None)
            });
            match emitted {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => fail(&parts, None, &label, &format!("SPIR-V output failed: {e}")),
                Err(_) => fail(
                    &parts,
                    None,
                    &label,
                    "naga's SPIR-V writer panicked (see above)",
                ),
            }
        }
    }
}

/// Prints naga's spanned report with the line mapped back to its file.
fn fail(parts: &[(String, String)], line: Option<u32>, label: &str, report: &str) -> ! {
    let mut at = String::from("unknown file");
    let mut start = 1u32;
    for (name, text) in parts {
        // Parts are joined with one newline, so each takes lines() + 1 lines
        // when it ends in a newline, as every file here does.
        let lines = text.lines().count() as u32 + 1;
        if let Some(l) = line {
            if l >= start && l < start + lines {
                at = format!("{name}:{}", l - start + 1);
            }
        }
        start += lines;
    }
    panic!("shader {label} does not validate at {at}:\n{report}");
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
