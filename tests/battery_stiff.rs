//! Batteries whose baths' rates lie many decades apart. The stroke is long
//! against the fast bath (formed from the NESS), while its slowest mode
//! relaxes at the slow bath's rate: each heat must still be right, and
//! the point ok where f64 resolves it, against the double-double reference
//! (tests/common/reference.rs) and the maser's Otto efficiency.

mod common;

use common::batteries::{maser, one_point};
use common::reference::{reference, Reference};

use nessbat::battery::{BathPoint, BatteryFigures, BatteryStatus};

/// The maser's levels and couplings in the level basis, for the reference.
fn maser_reference_input() -> (Vec<f64>, Vec<Vec<Vec<f64>>>) {
    let unit = |i: usize, j: usize| {
        let mut x = vec![vec![0.0; 3]; 3];
        x[i][j] = 1.0;
        x[j][i] = 1.0;
        x
    };
    (vec![0.0, 0.4, 1.0], vec![unit(0, 2), unit(0, 1)])
}

/// The maser (ω_c = 0.4, ω_h = 1) at T_h = 2, T_c = 0.2 and rates Γ_h,
/// Γ_c: its figures, and the reference's.
fn maser_point(g_h: f64, g_c: f64, tau: f64) -> (BatteryFigures, Reference) {
    let (spectrum, _) = maser(0.4, 1.0);
    let (e, x) = maser_reference_input();
    let f = one_point(&spectrum, &["h", "c"], &[(2.0, g_h), (0.2, g_c)], tau);
    let baths =
        [(2.0, g_h), (0.2, g_c)].map(|(temperature, gamma)| BathPoint { temperature, gamma });
    let r = reference(&e, &x, &baths, tau, None).expect("the reference's OSS");
    (f, r)
}

#[test]
fn a_maser_with_rates_decades_apart_is_ok_and_right() {
    // Found flagged (estimates 2e-3 … 4e-3, and 1e-6 … 4e-5), every
    // figure right to 1e-8: the heats were bounded by ε‖D‖ of the
    // NESS-form stroke (D of size 1/gap) and, for the fast bath, by τ
    // times the rounding of its detailed-balance-sized flows. Γ_h and Γ_c
    // as (hot, cold); T_h = 2, T_c = 0.2, τ = 100.
    let cases = [(1e-6, 1.0), (1e-5, 100.0), (100.0, 1e-4), (1e-3, 1e-9)];
    for (g_h, g_c) in cases {
        let tau = 100.0;
        let (f, r) = maser_point(g_h, g_c, tau);
        assert_eq!(
            f.status,
            BatteryStatus::Ok,
            "Γ_h {g_h:e}, Γ_c {g_c:e}: {:?}",
            f.message
        );
        let near = |what: &str, got: f64, want: f64| {
            assert!(
                (got - want).abs() <= 1e-6 * want.abs(),
                "Γ_h {g_h:e}, Γ_c {g_c:e}: {what} {got:e}, reference {want:e}"
            );
        };
        near("ergotropy", f.ergotropy, r.ergotropy);
        near("heat_h", f.heats[0].heat, r.heats[0]);
        near("heat_c", f.heats[1].heat, r.heats[1]);
        // The maser's Otto efficiency, 1 − ω_c/ω_h, wherever it runs.
        assert!(
            (f.efficiency - 0.6).abs() <= 1e-6 * 0.6,
            "Γ_h {g_h:e}, Γ_c {g_c:e}: η {}",
            f.efficiency
        );
    }
}

#[test]
fn a_fast_cold_bath_beside_a_slow_hot_one_gives_the_cold_heat_right_or_flags_it() {
    // Found: at Γ_h = 1e-9 beside Γ_c = 100 the cold heat came out
    // +1.5e-7 where it is −3.8e-8 (flagged): the NESS form's transient
    // (I − e^{Wτ}) D carried e^{Wτ}'s rounding as ε/gap, which the fast
    // cold bath turned into a heat. Across the corner, every ok point is
    // right, and so is the cold heat's sign at every point.
    let tau = 100.0;
    for g_c in [1.0, 10.0, 100.0] {
        for g_h in [1e-9, 1e-8, 1e-7] {
            let (f, r) = maser_point(g_h, g_c, tau);
            let off = (f.heats[1].heat - r.heats[1]).abs() / r.heats[1].abs();
            assert!(
                off <= 1e-4,
                "Γ_h {g_h:e}, Γ_c {g_c:e}: heat_c {:e}, reference {:e} ({:?})",
                f.heats[1].heat,
                r.heats[1],
                f.status
            );
            if f.status == BatteryStatus::Ok {
                assert!(
                    off <= 1e-6,
                    "Γ_h {g_h:e}, Γ_c {g_c:e}: heat_c off by {off:e} at ok"
                );
            }
        }
    }
}

#[test]
fn a_bath_below_f64s_resolution_is_named_where_no_oss_is_found() {
    // Found: Γ_h = 1e-30 beside Γ_c = 1e-3 reported only that the
    // permutations did not settle; the hot bath moves 2.5e-28 of a
    // population per stroke, which f64 cannot see beside populations of
    // order 1.
    // And Γ_h = 1e-16 beside Γ_c = 100 at τ = 1e10: the hot bath moves
    // 2.5e-6 per stroke, but squaring the stroke's exponential over the
    // cold rates (τ‖W‖ = 1.6e11) loses ε τ‖W‖ = 3.5e-5.
    let (spectrum, _) = maser(0.4, 1.0);
    for (g_h, g_c, tau) in [
        (1e-30, 1e-3, 100.0),
        (1e-100, 1e-3, 100.0),
        (1e-16, 100.0, 1e10),
    ] {
        let f = one_point(&spectrum, &["h", "c"], &[(2.0, g_h), (0.2, g_c)], tau);
        assert_eq!(f.status, BatteryStatus::NotConverged, "{:?}", f.message);
        let message = f.message.unwrap_or_default();
        assert!(
            message.contains("bath h moves at most") && message.contains("accepted"),
            "Γ_h {g_h:e}: {message}"
        );
        assert!(f.ergotropy.is_nan() && f.heats.iter().all(|h| h.heat.is_nan()));
    }
}

/// A battery whose NESS is passive (its OSS), with baths' rates 1e9
/// apart over a long stroke (review: 11 of 76 random stiff batteries).
const PASSIVE_STIFF: &str = r#"model = "populations"
[battery]
hamiltonian = [[0.37434692380281986, 0.0, 0.0, 0.0], [0.0, 0.7947520683553813, 0.0, 0.0], [0.0, 0.0, 0.7947571339137799, 0.0], [0.0, 0.0, 0.0, 1.891516309761411]]
[[battery.baths]]
name = "b0"
coupling = [[-0.057051617822020395, 0.0, 0.9045763012339394, 0.0], [0.0, -0.7608013503021083, 0.0, 0.0], [0.9045763012339394, 0.0, 0.8662114485983998, -0.049413434234439], [0.0, 0.0, -0.049413434234439, 0.0]]
[[battery.baths]]
name = "b1"
coupling = [[0.0, -0.14728920759948783, -0.02043966544222431, 0.8836129239393178], [-0.14728920759948783, 0.6373642979005021, -0.9895405201561882, -0.8664063954077565], [-0.02043966544222431, -0.9895405201561882, 0.0, 0.01972161128146266], [0.8836129239393178, -0.8664063954077565, 0.01972161128146266, -0.31193743592802003]]
coupling_im = [[0.0, 0.0, -0.7932458743271857, -0.6111519618451509], [0.0, 0.0, 0.0, 0.0], [0.7932458743271857, 0.0, 0.0, 0.0], [0.6111519618451509, 0.0, 0.0, 0.0]]
[fixed]
tau = 131298.16906988915
t_b0 = 56.791064782892384
gamma_b0 = 2.2848757307522847e-09
t_b1 = 93.66829257284854
gamma_b1 = 3.4838255026602103
"#;

#[test]
fn the_trace_of_a_stiff_battery_gives_the_points_heats() {
    // Found: where the OSS is the NESS (a one-row trace), trace gave the
    // fast bath's heat as −6.4e-4 where the point (and a 60-digit
    // reference) give +1.03e-5: the stroke's rounding on the NESS,
    // amplified by 1/gap, and the fast bath's heat formed directly from
    // flows of size τ Γ_b1 = 4.6e5. The heats must add up to the work (0).
    let (_, rows, _) =
        common::batteries::battery_trace("battery_stiff", "passive_stiff.toml", PASSIVE_STIFF);
    let f = common::batteries::from_toml(PASSIVE_STIFF)
        .unwrap()
        .figures();
    assert_eq!(f.status, BatteryStatus::Ok, "{:?}", f.message);
    assert_eq!(f.ergotropy, 0.0);
    let last = rows.last().unwrap();
    assert_eq!(last[1], 0.0, "the work");
    for (k, h) in f.heats.iter().enumerate() {
        common::close(&format!("heat_b{k}"), last[2 + k], h.heat, 1e-9, 0.0);
    }
    assert!(
        (last[2] + last[3]).abs() <= 1e-12 * last[2].abs(),
        "{last:?}"
    );
}
