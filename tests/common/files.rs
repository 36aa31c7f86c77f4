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

/// Chunks the journal of the checkpoint folder `partial` lists as
/// finished (src/store/stream.rs): one line each.
pub fn journaled(partial: &Path) -> usize {
    std::fs::read_to_string(partial.join("journal")).map_or(0, |t| t.lines().count())
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
/// accepted values for clap's, on the same line.
#[track_caller]
pub fn bad_input(o: &std::process::Output, names: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    let ours: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("XDG_RUNTIME_DIR"))
        .collect();
    assert_eq!(o.status.code(), Some(2), "{err}");
    // One line, the library's and clap's (flag syntax) alike.
    assert!(ours.len() == 1, "not one line: {err}");
    assert!(ours[0].starts_with("error:"), "{err}");
    assert!(ours[0].contains(names), "{err} does not name {names}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Writes `config` into the scratch folder `group/name` and runs `nessbat
/// sweep` on it into `out` there, with `extra` flags: (the output, the
/// out folder).
pub fn sweep_config(
    group: &str,
    name: &str,
    config: &str,
    extra: &[&str],
) -> (std::process::Output, PathBuf) {
    let dir = scratch(group, name);
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = dir.join("out");
    let mut args = vec![
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    (nessbat(&args), out)
}

/// `config` is refused as bad input naming `names` (see [`bad_input`]),
/// before any output folder is made; returns the message.
#[track_caller]
pub fn refused_config(group: &str, name: &str, config: &str, names: &str) -> String {
    let (o, out) = sweep_config(group, name, config, &[]);
    bad_input(&o, names);
    assert!(!out.exists(), "{} was made", out.display());
    String::from_utf8_lossy(&o.stderr).into_owned()
}
