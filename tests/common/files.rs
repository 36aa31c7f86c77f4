//! Output folders of the CLI tests.

use std::path::{Path, PathBuf};

/// Every array a sweep writes.
pub const ARRAYS: [&str; 9] = [
    "ergotropy",
    "power",
    "efficiency",
    "heat_hot",
    "heat_a",
    "heat_s",
    "ness_ergotropy",
    "cycles",
    "status",
];

/// An empty scratch folder `group/name` under the test target folder.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The two sweep folders hold byte-identical `.npy` arrays.
#[track_caller]
pub fn same_arrays(a: &Path, b: &Path) {
    for f in ARRAYS {
        let x = std::fs::read(a.join(format!("{f}.npy"))).unwrap();
        let y = std::fs::read(b.join(format!("{f}.npy"))).unwrap();
        assert!(
            x == y,
            "{f}.npy differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Runs the nessbat binary with `args`.
pub fn nessbat(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args(args)
        .output()
        .unwrap()
}

/// The command failed as bad input: exit 2, no stdout, and a first line on
/// stderr (besides the Vulkan loader's XDG_RUNTIME_DIR lines) naming
/// `names`: the whole message for the library's errors, followed by the
/// accepted values, usage and tip for clap's.
#[track_caller]
pub fn bad_input(o: &std::process::Output, names: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    let ours: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("XDG_RUNTIME_DIR"))
        .collect();
    assert_eq!(o.status.code(), Some(2), "{err}");
    // The library's messages are one line; clap's (flag syntax) add the
    // accepted values, the usage and a tip after a first line that names
    // the problem.
    let clap = err.contains("For more information, try");
    assert!(clap || ours.len() == 1, "not one line: {err}");
    assert!(ours[0].starts_with("error:"), "{err}");
    assert!(ours[0].contains(names), "{err} does not name {names}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
