//! `nessbat figures --quick` regenerates small versions of every figure's
//! data; every claim of the table must hold on them, and results/README.md
//! must list the same claims as holding, so the table cannot go stale.

use std::path::Path;
use std::process::Command;

#[test]
fn figures_regenerate_and_the_claims_hold() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("figures-quick");
    let _ = std::fs::remove_dir_all(&out);
    let o = Command::new(env!("CARGO_BIN_EXE_nessbat"))
        .args(["figures", "--quick", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for stem in [
        "fig2",
        "fig3",
        "fig4a",
        "fig4b",
        "fig4c",
        "atlas_ta_ts",
        "atlas_lambda_tau",
        "atlas_gamma",
        "atlas_gate",
        "atlas_detuning",
        "atlas_tradeoff",
        "atlas_entropy_eq9",
        "atlas_entropy_kms",
    ] {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(stem) && n.ends_with(".png")),
            "no PNG for {stem}"
        );
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(stem) && (n.ends_with(".npy") || n.ends_with(".csv"))),
            "no data for {stem}"
        );
    }
    // figures.json describes every array as a sweep's metadata does: the
    // maps over a sweep carry its axes, and their lengths are the shape.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("figures.json")).unwrap()).unwrap();
    let arrays = meta["arrays"].as_object().unwrap();
    for n in names.iter().filter(|n| n.ends_with(".npy")) {
        let stem = n.trim_end_matches(".npy");
        assert!(arrays.contains_key(stem), "{stem} is not in figures.json");
    }
    let power = &arrays["atlas_ta_ts_power"];
    let axes = power["sweep"]["axes"].as_array().expect("axes of the map");
    let shape: Vec<u64> = power["shape"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(axes.len(), 2);
    for (a, n) in axes.iter().zip(&shape) {
        assert_eq!(a["values"].as_array().unwrap().len() as u64, *n);
    }
    assert_eq!(arrays["fig4a_power"]["sweep"]["axes"][0]["name"], "tau");
    let claims: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("claims.json")).unwrap()).unwrap();
    let readme = std::fs::read_to_string("results/README.md").unwrap();
    let claims = claims.as_array().unwrap();
    assert!(claims.len() >= 8);
    for c in claims {
        let id = c["id"].as_str().unwrap();
        // Most claims hold; a refuted one (Carnot under Eq. 9) must stay
        // refuted, and the table must say which.
        let expected = c["expected"].as_bool().unwrap();
        assert_eq!(
            c["holds"].as_bool().unwrap(),
            expected,
            "claim {id}: {}",
            c["ours"]
        );
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| {id} |")))
            .unwrap_or_else(|| panic!("results/README.md lacks claim {id}"));
        let verdict = if expected { "| yes |" } else { "| **no** |" };
        assert!(
            row.trim_end().ends_with(verdict),
            "results/README.md: {row}"
        );
    }
}
