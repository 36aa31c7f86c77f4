//! The `nessbat` binary: JSON shape, CSV traces, and every bad input of the
//! physics-core issue rejected with one line, exit status 2 and no stdout.

mod common;

use common::files::nessbat;

/// Bad input: exit 2, nothing on stdout, and a first line that starts with
/// "error:" and names what is wrong. The library's messages are that one
/// line, clap's (flag syntax and values) too, with the accepted values on
/// it.
#[track_caller]
fn rejects(args: &[&str], names: &str) {
    let out = nessbat(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?} wrote to stdout");
    let first = err.lines().next().unwrap_or("");
    assert!(first.starts_with("error:"), "{args:?}: {err}");
    assert!(
        err.trim_end().lines().count() == 1,
        "{args:?}: not one line: {err}"
    );
    assert!(
        first.contains(names),
        "{args:?}: {first} does not name {names}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_input_is_rejected() {
    let base = ["point", "--t-s", "0.1"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        base.iter().copied().chain(extra.iter().copied()).collect()
    };
    rejects(&with(&["--t-a", "0"]), "--t-a");
    rejects(&["point", "--t-a", "2", "--t-s", "-1"], "--t-s");
    rejects(
        &[
            "point",
            "--rate-a-up",
            "-1",
            "--rate-a-down",
            "1",
            "--t-s",
            "1",
        ],
        "--rate-a-up",
    );
    rejects(&["point", "--tau", "0"], "--tau");
    rejects(&["point", "--tau", "-3"], "--tau");
    rejects(&["point", "--lambda", "-0.1"], "--lambda");
    rejects(&["point", "--lambda", "1"], "--lambda");
    rejects(&["point", "--lambda", "0.5", "--omega0", "0.4"], "--lambda");
    rejects(
        &with(&["--t-a", "2", "--rate-a-up", "1", "--rate-a-down", "1"]),
        "bath a is given twice",
    );
    rejects(
        &["point", "--rate-s-up", "1e-3", "--t-a", "1"],
        "--rate-s-down",
    );
    rejects(&["point", "--pump", "1e-3", "--t-a", "1"], "given twice");
    rejects(
        &["point", "--gamma", "1e-3", "--gamma-a", "1e-3"],
        "--gamma",
    );
    rejects(&["point", "--tau", "nan"], "--tau");
    rejects(&["point", "--tau", "inf"], "--tau");
    rejects(&["point", "--lambda", "abc"], "--lambda");
    rejects(&["point", "--t-a", "NaN", "--t-s", "1"], "--t-a");
    rejects(&["point", "--detuning", "0.1"], "--detuning");
    rejects(&["point", "--dephasing", "0.1"], "--dephasing");
    rejects(
        &["point", "--model", "density-matrix", "--detuning", "1.2"],
        "detuning",
    );
    rejects(&["point", "--model", "qubits"], "--model");
    rejects(&["point", "--rates", "bose"], "--rates");
    rejects(&["trace", "populations", "--cycles", "0"], "--cycles");
}

#[test]
fn point_json_has_exactly_the_documented_keys() {
    let out = nessbat(&["point", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    let mut want = vec![
        "ergotropy",
        "power",
        "efficiency",
        "heat_hot",
        "heat_a",
        "heat_s",
        "heat_dephasing",
        "heat_in",
        "entropy_production",
        "status",
        "error_estimate",
        "rates",
        "populations_passive",
        "populations_charged",
        "cycles",
        "ness",
        "short_cycle_limit",
        "rescued_in_double_double",
    ];
    want.sort();
    assert_eq!(keys, want);
    let mut ness: Vec<_> = v["ness"].as_object().unwrap().keys().cloned().collect();
    ness.sort();
    assert_eq!(ness, ["ergotropy", "heat_flux_a", "populations"]);
    assert_eq!(v["populations_passive"].as_array().unwrap().len(), 4);
    assert!(v["short_cycle_limit"]["efficiency"].is_number());
    assert_eq!(v["status"], "ok");
    assert_eq!(v["rates"], "eq9");
    // Reversed gradient: the charged state is passive, so the ergotropy is
    // exactly 0 and so is η (heat does flow in, from S), and Eqs. 14–16 do
    // not describe an engine there.
    let out = nessbat(&["point", "--json", "--t-a", "0.2", "--t-s", "2"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ergotropy"].as_f64(), Some(0.0));
    assert_eq!(v["efficiency"].as_f64(), Some(0.0));
    assert!(v["short_cycle_limit"].is_null());
}

#[test]
fn traces_are_csv_and_end_at_the_oss() {
    let out = nessbat(&[
        "trace",
        "populations",
        "--cycles",
        "2",
        "--samples",
        "10",
        "--idle",
        "5",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "t,cycle,p_gg,p_S,p_A,p_ee,ergotropy");
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    // 1 idle row + per cycle: before extraction + (samples + 1).
    assert_eq!(rows.len(), 1 + 2 * 12);
    for r in &rows {
        assert!((r[2] + r[3] + r[4] + r[5] - 1.0).abs() < 1e-12, "trace");
    }
    // The first extraction swaps A and S at t = idle (Fig. 3).
    assert_eq!(rows[1][0], 5.0);
    assert_eq!(rows[2][3], rows[1][4]);

    let erg = nessbat(&["trace", "ergotropy"]);
    assert!(erg.status.success());
    let text = String::from_utf8(erg.stdout).unwrap();
    let last: Vec<f64> = text
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|x| x.parse().unwrap())
        .collect();
    let first: Vec<f64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|x| x.parse().unwrap())
        .collect();
    let point: serde_json::Value =
        serde_json::from_slice(&nessbat(&["point", "--json"]).stdout).unwrap();
    // Cycle 1 extracts the NESS ergotropy; iteration ends at the directly
    // solved OSS.
    assert!((first[1] / point["ness"]["ergotropy"].as_f64().unwrap() - 1.0).abs() < 1e-12);
    assert!((last[1] / point["ergotropy"].as_f64().unwrap() - 1.0).abs() < 1e-7);
}

/// Every quantity can be optimised: the report's objective is the f64
/// reference's figure of that quantity (a regression: quantities after the
/// first seven indexed past the report's row and panicked).
#[test]
fn optimize_reports_every_quantity() {
    let dir = std::env::temp_dir().join(format!("nessbat-opt-q-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nrange = [0.5, 4.0]\npoints = 6\n[[axes]]\nname = \"tau\"\nvalues = [1.0, 10.0, 100.0]\n",
    )
    .unwrap();
    for q in nessbat::kernels::OUTPUT_NAMES {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_nessbat"))
            .args([
                "optimize",
                "--config",
                cfg.to_str().unwrap(),
                "--minimize",
                q,
            ])
            .args([
                "--json",
                "--backend",
                "cpu",
                "--force",
                "--out",
                dir.join("o").to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["objective"]["quantity"], q);
        let field = if q == "ness_ergotropy" {
            &v["ness"]["ergotropy"]
        } else {
            &v[q]
        };
        assert_eq!(&v["objective"]["value"], field, "{q}");
    }
}

/// clap's whole message reaches the user: a missing required flag is named
/// (it is only in the lines after the first), accepted values are listed,
/// and the config's snake_case spellings work as flags.
#[test]
fn argument_errors_keep_clap_whole_message_and_snake_case_works() {
    let out = nessbat(&["sweep"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--out"),
        "the missing flag is not named: {err}"
    );
    let out = nessbat(&["point", "--model", "dm"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("density-matrix"),
        "accepted values not listed: {err}"
    );
    let snake = nessbat(&[
        "point",
        "--json",
        "--t_a",
        "1.5",
        "--t_s=0.2",
        "--rate_kind_is_not_a_flag",
    ]);
    assert_eq!(snake.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&snake.stderr).contains("--rate-kind-is-not-a-flag"));
    let snake = nessbat(&["point", "--json", "--t_a", "1.5", "--t_s=0.2"]);
    let kebab = nessbat(&["point", "--json", "--t-a", "1.5", "--t-s=0.2"]);
    assert!(
        snake.status.success(),
        "{}",
        String::from_utf8_lossy(&snake.stderr)
    );
    assert_eq!(snake.stdout, kebab.stdout);
}

/// `nessbat trace … | head`: a reader that stops early ends the program
/// quietly (exit 0, nothing on stderr), not with a broken-pipe error.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args([
            "trace",
            "populations",
            "--cycles",
            "50",
            "--samples",
            "2000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("error"),
        "{err}"
    );
}

/// The small things of daily use: `point` echoes its baths; `=>` gets a
/// "did you mean"; a folder that cannot be made is named with the OS's
/// reason; temperatures that look like kelvin and a range swept with one
/// point are warned about, once, and still run.
#[test]
fn small_things_of_daily_use() {
    let text = String::from_utf8(nessbat(&["point", "--t-a", "1.5"]).stdout).unwrap_or_default();
    assert!(
        text.contains("bath A: thermal, T = 1.5, Γ0 = 0.001; bath S: thermal, T = 0.1, Γ0 = 0.001"),
        "bath S keeps its default: {text}"
    );
    let o = nessbat(&["point", "--t-a", "1.5", "--t-s", "0.2", "--gamma-s", "2e-3"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("bath A: thermal, T = 1.5, Γ0 = 0.001; bath S: thermal, T = 0.2, Γ0 = 0.002"),
        "{text}"
    );

    let o = nessbat(&[
        "optimize",
        "--maximize",
        "power",
        "--subject-to",
        "efficiency => 0.01",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("did you mean >="), "{err}");

    let dir = std::env::temp_dir().join(format!("nessbat-small-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = file.join("out");
    let o = nessbat(&["sweep", "--out", out.to_str().unwrap(), "--backend", "cpu"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(out.to_str().unwrap()) && err.contains("Not a directory"),
        "{err}"
    );
    assert!(!err.contains(".nessbat-partial"), "{err}");
    let o = nessbat(&[
        "trace",
        "populations",
        "--out",
        file.join("x.csv").to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("Not a directory"));

    let o = nessbat(&["point", "--t-a", "300", "--t-s", "290"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("units of omega0").count(), 1, "{err}");
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        "[fixed]\nlambda = 0.01\ngamma = 1e-3\nt_s = 0.1\n[[axes]]\nname = \"t_a\"\nrange = [0.5, 300.0]\npoints = 3\n[[axes]]\nname = \"tau\"\nrange = [1.0, 10.0]\npoints = 1\n",
    )
    .unwrap();
    let o = nessbat(&[
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
        "--backend",
        "cpu",
        "--quiet",
    ]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("t_a = 300") && err.contains("not kelvin"),
        "{err}"
    );
    assert!(
        err.contains("axis tau: range [1, 10] with points = 1"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn one_bath_given_keeps_the_other_default() {
    // The documented defaults are T_A = 2, T_S = 0.1: giving one bath does
    // not drop the other's.
    for (given, full) in [
        (vec!["--t-a", "3"], vec!["--t-a", "3", "--t-s", "0.1"]),
        (vec!["--t-s", "0.2"], vec!["--t-a", "2", "--t-s", "0.2"]),
    ] {
        let run = |extra: &[&str]| {
            let mut a = vec!["point", "--json"];
            a.extend_from_slice(extra);
            let o = nessbat(&a);
            assert!(
                o.status.success(),
                "{a:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            o.stdout
        };
        assert_eq!(run(&given), run(&full), "{given:?}");
    }
}

#[test]
fn negative_values_follow_their_flag() {
    // "--detuning -1e-3" is the value -1e-3, as "--detuning=-1e-3" is; a
    // negative τ reaches the range check and its one line.
    let spaced = nessbat(&[
        "point",
        "--json",
        "--model",
        "density-matrix",
        "--detuning",
        "-1e-3",
    ]);
    let joined = nessbat(&[
        "point",
        "--json",
        "--model",
        "density-matrix",
        "--detuning=-1e-3",
    ]);
    assert!(
        spaced.status.success(),
        "{}",
        String::from_utf8_lossy(&spaced.stderr)
    );
    assert_eq!(spaced.stdout, joined.stdout);
    rejects(&["point", "--tau", "-1e-3"], "--tau");
    // A bath switched off leaves a level disconnected: the user's to fix.
    rejects(&["point", "--gamma", "0"], "disconnected");
    rejects(
        &["point", "--gamma-a", "0", "--gamma-s", "1e-3"],
        "disconnected",
    );
}

#[test]
fn duplicate_axis_values_are_refused() {
    common::files::refused_config(
        "cli",
        "duplicates",
        "[fixed]\nt_s = 0.1\n[[axes]]\nname = \"tau\"\nvalues = [1.0, 2.0, 1.0]\n",
        "value 1 is given twice",
    );
}

#[test]
fn trace_out_follows_the_sweep_rule() {
    // An existing --out is kept unless --force, refused before any work.
    let dir = common::files::scratch("cli", "trace-out");
    let out = dir.join("t.csv");
    std::fs::write(&out, "keep me").unwrap();
    let o = nessbat(&[
        "trace",
        "ergotropy",
        "--max-cycles",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let o = nessbat(&[
        "trace",
        "ergotropy",
        "--max-cycles",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("cycle,ergotropy"));
}

#[test]
fn resume_into_an_empty_folder_says_it_starts_fresh() {
    let dir = common::files::scratch("cli", "resume-empty");
    let cfg = dir.join("c.toml");
    std::fs::write(&cfg, "[fixed]\nt_a = 2.0\nt_s = 0.1\ngamma = 1e-3\nlambda = 0.01\n[[axes]]\nname = \"tau\"\nvalues = [1.0, 2.0]\n").unwrap();
    let out = dir.join("out");
    let o = nessbat(&[
        "sweep",
        "--config",
        cfg.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--resume",
        "--backend",
        "cpu",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("holds no sweep to continue; starting it fresh"),
        "{err}"
    );
}
