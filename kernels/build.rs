//! Writes each kernel's WGSL prelude into OUT_DIR from the crate's Rust
//! lists (src/prelude.rs), and validates every kernel variant with naga, so
//! that a broken shader fails `cargo build` with an error that names the
//! file and line.

#[path = "src/calibration.rs"]
#[allow(dead_code)]
mod calibration;
#[path = "src/files.rs"]
#[allow(dead_code)]
mod files;
#[path = "src/kind.rs"]
#[allow(dead_code)]
mod kind;
#[path = "src/layout.rs"]
#[allow(dead_code)]
mod layout;
#[path = "src/numerics.rs"]
#[allow(dead_code)]
mod numerics;
#[path = "src/prelude.rs"]
mod prelude;

use files::Kernel;
use kind::Precision;

fn main() {
    for watched in [
        "shaders",
        "src/calibration.rs",
        "src/files.rs",
        "src/kind.rs",
        "src/layout.rs",
        "src/numerics.rs",
        "src/prelude.rs",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for precision in Precision::ALL {
        for kernel in Kernel::ALL {
            if !kernel.precisions().contains(&precision) {
                continue;
            }
            let prelude = prelude::prelude(kernel, precision);
            let path = out.join(kernel.prelude_file(precision));
            if let Err(e) = std::fs::write(&path, &prelude) {
                panic!("cannot write {}: {e}", path.display());
            }
            let mut parts = vec![("prelude", prelude.as_str())];
            parts.extend(kernel.files());
            validate(&format!("{kernel:?}/{precision:?}"), precision, &parts);
        }
    }
}

/// Parses, validates and writes SPIR-V of one variant, or fails the build.
fn validate(label: &str, precision: Precision, parts: &[(&str, &str)]) {
    let source: String = parts.iter().map(|(_, s)| *s).collect::<Vec<_>>().join("\n");
    let module = match naga::front::wgsl::parse_str(&source) {
        Ok(m) => m,
        Err(e) => {
            let line = e.location(&source).map(|l| l.line_number);
            fail(parts, line, label, &e.emit_to_string(&source))
        }
    };
    let caps = match precision {
        Precision::F64 => naga::valid::Capabilities::FLOAT64,
        Precision::F32 => naga::valid::Capabilities::empty(),
    };
    let mut validator = naga::valid::Validator::new(naga::valid::ValidationFlags::all(), caps);
    let info = match validator.validate(&module) {
        Ok(info) => info,
        Err(e) => {
            let line = e.location(&source).map(|l| l.line_number);
            fail(parts, line, label, &e.emit_to_string(&source));
        }
    };
    // Also emit SPIR-V, as wgpu's Vulkan backend will: naga's writer has
    // bugs that validation does not see (it panics on some short-circuit
    // operators in loop conditions).
    let options = naga::back::spv::Options::default();
    let emitted =
        std::panic::catch_unwind(|| naga::back::spv::write_vec(&module, &info, &options, None));
    match emitted {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => fail(parts, None, label, &format!("SPIR-V output failed: {e}")),
        Err(_) => fail(
            parts,
            None,
            label,
            "naga's SPIR-V writer panicked (see above)",
        ),
    }
}

/// Prints naga's spanned report with the line mapped back to its file.
fn fail(parts: &[(&str, &str)], line: Option<u32>, label: &str, report: &str) -> ! {
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
