//! Tick labels: one format per axis, so that an axis never mixes "1000"
//! with "1.0e4", and on log axes the decades alone, as powers of ten
//! (10⁻³ … 10⁴), rather than 0.316 and 3.162 between them.

/// Labels over the data range [lo, hi] (values, not plot coordinates) of
/// an axis that is `log`-scaled. Only decades are labelled on a log axis
/// spanning at least two of them, only 1, 2 and 5 times a decade on a
/// shorter one (ask the chart for [`LOG_TICKS`] positions so that these
/// are among them); on a linear axis every tick, in the one format the
/// range's magnitude calls for: plain decimals within [1e-2, 1e4),
/// scientific otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Ticks {
    log: bool,
    decades: bool,
    plain: bool,
    /// Below this a tick of a linear axis is rounding residue: "0".
    zero: f64,
}

impl Ticks {
    pub fn new(lo: f64, hi: f64, log: bool) -> Ticks {
        let (a, b) = (lo.abs().min(hi.abs()), lo.abs().max(hi.abs()));
        let decades = log && a > 0.0 && (b / a).log10() >= 2.0;
        // The labels a linear axis shows are about its largest magnitude;
        // a log axis over less than two decades shows its own values.
        let plain = (1e-2..1e4).contains(&b) && (!log || a >= 1e-2);
        Ticks {
            log,
            decades,
            plain,
            zero: 1e-9 * b,
        }
    }

    /// The label of the tick at value `v` ("" for a tick between decades).
    pub fn label(&self, v: f64) -> String {
        if self.decades {
            let k = v.abs().log10();
            if (k - k.round()).abs() > 1e-6 {
                return String::new();
            }
            let sign = if v < 0.0 { "−" } else { "" };
            return format!("{sign}10{}", superscript(k.round() as i32));
        }
        let mut v = v;
        if self.log {
            // 1, 2 or 5 times a power of ten, to 1 %, labelled as such (the
            // chart's position 10^0.301 reads "2", not "1.995").
            let decade = 10f64.powf(v.abs().log10().floor());
            let m = v.abs() / decade;
            match [1.0, 2.0, 5.0, 10.0]
                .iter()
                .find(|t| (m / *t - 1.0).abs() < 0.01)
            {
                Some(t) => v = v.signum() * t * decade,
                None => return String::new(),
            }
        }
        if v.abs() <= self.zero {
            "0".into()
        } else if self.plain {
            let s = format!("{v:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            format!("{v:.1e}")
        }
    }
}

/// Tick positions to ask a chart for on a log axis: enough that the
/// decades (or 1, 2 and 5 times them) fall among its evenly spaced
/// positions in log10 coordinates.
pub const LOG_TICKS: usize = 30;

/// Key points of an axis drawn over [lo, hi] in plot coordinates (log10
/// of the values on a log axis): on a log axis 1 to 9 times each decade
/// within it (the labels say which are named); on a linear one
/// `n` evenly spaced ones, as the chart would pick. Given to the chart
/// rather than left to it: asked for LOG_TICKS positions over
/// [−2.05, 3.05] it stops at 2.8, and the top decade went unlabelled.
pub fn key_points(lo: f64, hi: f64, log: bool, n: usize) -> Vec<f64> {
    use plotters::coord::ranged1d::Ranged;
    let (lo, hi) = (lo.min(hi), lo.max(hi));
    if !log {
        let r: plotters::coord::types::RangedCoordf64 = (lo..hi).into();
        return r.key_points(n);
    }
    let tol = 1e-9 * (hi - lo).abs().max(1.0);
    let mut v = Vec::new();
    let (first, last) = (lo.floor() as i64, hi.ceil() as i64);
    for k in first..=last {
        for m in 1..=9 {
            let c = k as f64 + f64::from(m).log10();
            if c >= lo - tol && c <= hi + tol {
                v.push(c);
            }
        }
    }
    v
}

/// An f64 axis that ticks at given key points (from [`key_points`]) and
/// formats as any f64 axis (the labels come from [`Ticks`] anyway).
#[derive(Clone)]
pub struct Keyed {
    inner: plotters::coord::types::RangedCoordf64,
    keys: Vec<f64>,
}

impl Keyed {
    /// The axis over [lo, hi] in plot coordinates, as [`key_points`].
    pub fn new(lo: f64, hi: f64, log: bool, n: usize) -> Keyed {
        Keyed {
            inner: (lo..hi).into(),
            keys: key_points(lo, hi, log, n),
        }
    }
}

impl plotters::coord::ranged1d::Ranged for Keyed {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;
    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(v, limit)
    }
    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // The given points are the bold ones; no light ones between.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }
    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

/// `k` in superscript digits, with a superscript minus.
fn superscript(k: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if k < 0 {
        s.push('⁻');
    }
    for c in k.unsigned_abs().to_string().chars() {
        s.push(DIGITS[c.to_digit(10).expect("a digit") as usize]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_format_per_axis() {
        // A linear axis up to 2e4: every label scientific, none plain.
        let t = Ticks::new(0.0, 2e4, false);
        assert_eq!(t.label(1000.0), "1.0e3");
        assert_eq!(t.label(15000.0), "1.5e4");
        assert_eq!(t.label(1e-12), "0");
        // Up to 5: plain decimals.
        let t = Ticks::new(0.0, 5.0, false);
        assert_eq!((t.label(2.5), t.label(4.0)), ("2.5".into(), "4".into()));
    }

    #[test]
    fn log_axes_label_decades_only() {
        let t = Ticks::new(1e-3, 1e4, true);
        assert_eq!(t.label(1e-3), "10⁻³");
        assert_eq!(t.label(1.0), "10⁰");
        assert_eq!(t.label(1e4), "10⁴");
        assert_eq!(t.label(10f64.powf(0.5)), "");
        assert_eq!(t.label(-100.0), "−10²");
        // Less than two decades: 1, 2 and 5 times a decade, in one format;
        // nothing at 10^±0.5.
        let t = Ticks::new(0.15, 5.0, true);
        assert_eq!((t.label(0.5), t.label(2.0)), ("0.5".into(), "2".into()));
        assert_eq!(t.label(10f64.powf(0.3)), "2");
        assert_eq!(t.label(10f64.powf(-0.3)), "0.5");
        assert_eq!(
            (t.label(0.316), t.label(3.162)),
            (String::new(), String::new())
        );
    }

    #[test]
    fn log_key_points_reach_both_ends() {
        // The heatmap's τ axis over 10⁻² … 10³ with half a cell beyond.
        let k = key_points(-2.051, 3.051, true, LOG_TICKS);
        let t = Ticks::new(10f64.powf(-2.051), 10f64.powf(3.051), true);
        let named: Vec<String> = k
            .iter()
            .map(|c| t.label(10f64.powf(*c)))
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(named, ["10⁻²", "10⁻¹", "10⁰", "10¹", "10²", "10³"]);
        // Minor ticks at 2 … 9 times each decade, unnamed (and 9·10⁻³,
        // inside the half cell below 10⁻²).
        assert_eq!(k.len(), 6 + 5 * 8 + 1);
    }
}
