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
}
