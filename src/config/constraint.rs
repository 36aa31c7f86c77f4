//! Constraints on a figure, as written in `[[reduce]] where = "…"` and in
//! `nessbat optimize --subject-to "…"`: one comparison of one output
//! quantity with a number, e.g. `efficiency >= 0.01`.

use serde::Serialize;

use nessbat_kernels::layout::CMPS;
use nessbat_kernels::named::Unknown;
use nessbat_kernels::Quantity;

/// How a figure is compared with the threshold; its codes are the
/// kernels' CMP_* (layout::CMPS, from which the WGSL is generated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[repr(u32)]
pub enum Cmp {
    Ge = CMPS[0].1,
    Gt = CMPS[1].1,
    Le = CMPS[2].1,
    Lt = CMPS[3].1,
}

impl Cmp {
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Ge => ">=",
            Cmp::Gt => ">",
            Cmp::Le => "<=",
            Cmp::Lt => "<",
        }
    }

    /// Whether `v` passes; NaN never does.
    pub fn holds(self, v: f64, threshold: f64) -> bool {
        match self {
            Cmp::Ge => v >= threshold,
            Cmp::Gt => v > threshold,
            Cmp::Le => v <= threshold,
            Cmp::Lt => v < threshold,
        }
    }
}

/// `quantity cmp value`, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Constraint {
    pub quantity: Quantity,
    pub cmp: Cmp,
    pub value: f64,
}

/// Why a constraint was refused: each says what is accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refused {
    /// A usual slip, with what was meant.
    #[error(
        "cannot parse constraint \"{text}\": \"{wrong}\" is not an operator; did you mean {right}?"
    )]
    Slip {
        text: String,
        wrong: &'static str,
        right: &'static str,
    },
    #[error("cannot parse constraint \"{0}\"; accepted: \"<quantity> <op> <number>\" with op one of >=, >, <=, < (e.g. \"efficiency >= 0.01\")")]
    Syntax(String),
    #[error(transparent)]
    Quantity(#[from] Unknown),
    #[error("constraint \"{text}\": \"{value}\" is not a finite number")]
    NotFinite { text: String, value: String },
    #[error("{0} constraints given; accepted: at most {max}", max = Constraints::MAX)]
    TooMany(usize),
}

impl Constraint {
    /// Parses `quantity op number` with op one of >=, >, <=, <.
    pub fn parse(text: &str) -> Result<Constraint, Refused> {
        let (name, cmp, value) = comparison(text)?;
        Ok(Constraint {
            quantity: name.parse()?,
            cmp,
            value,
        })
    }

    /// Whether the figures `real` (OUTPUT_NAMES order) pass.
    pub fn holds(&self, real: &[f64]) -> bool {
        self.cmp.holds(real[self.quantity.index()], self.value)
    }
}

/// The parts of `name op number`, with op one of >=, >, <=, <: the name
/// as written (for the caller to resolve), the comparison and the number.
pub fn comparison(text: &str) -> Result<(&str, Cmp, f64), Refused> {
    {
        // The usual slips, with what was meant.
        for (wrong, right) in [("=>", ">="), ("=<", "<="), ("==", ">= or <=")] {
            if text.contains(wrong) {
                return Err(Refused::Slip {
                    text: text.to_string(),
                    wrong,
                    right,
                });
            }
        }
        let syntax = || Refused::Syntax(text.to_string());
        let ops = [
            (">=", Cmp::Ge),
            ("<=", Cmp::Le),
            (">", Cmp::Gt),
            ("<", Cmp::Lt),
        ];
        let (at, sym, cmp) = ops
            .iter()
            .filter_map(|(s, c)| text.find(s).map(|at| (at, *s, *c)))
            .min_by_key(|(at, s, _)| (*at, std::cmp::Reverse(s.len())))
            .ok_or_else(syntax)?;
        let name = text[..at].trim();
        let rest = text[at + sym.len()..].trim();
        if name.is_empty() || rest.is_empty() || rest.contains(['<', '>', '=']) {
            return Err(syntax());
        }
        let value = match rest.parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(Refused::NotFinite {
                    text: text.to_string(),
                    value: rest.to_string(),
                })
            }
        };
        Ok((name, cmp, value))
    }
}

/// Every constraint of several, all of which a point must meet, as
/// written "efficiency >= 0.01 and power >= 1e-6" (or given as several
/// `--subject-to`); empty: no constraint.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraints(pub Vec<Constraint>);

impl Constraints {
    /// Most constraints on one reduction (the kernels' MAX_WHERE).
    pub const MAX: usize = nessbat_kernels::reduce::MAX_WHERE;

    /// Parses each text, each of which may join several with " and ".
    pub fn parse_all<S: AsRef<str>>(texts: &[S]) -> Result<Constraints, Refused> {
        let mut all = Vec::new();
        for t in texts {
            for part in Self::parts(t.as_ref())? {
                all.push(Constraint::parse(part)?);
            }
        }
        if all.len() > Self::MAX {
            return Err(Refused::TooMany(all.len()));
        }
        Ok(Constraints(all))
    }

    /// The comparisons of one text joined by " and ", at most MAX.
    pub fn parts(text: &str) -> Result<Vec<&str>, Refused> {
        let parts: Vec<&str> = text.split(" and ").map(str::trim).collect();
        if parts.len() > Self::MAX {
            return Err(Refused::TooMany(parts.len()));
        }
        Ok(parts)
    }

    /// Parses one text ("a >= 1 and b < 2").
    pub fn parse(text: &str) -> Result<Constraints, Refused> {
        Self::parse_all(&[text])
    }

    /// Whether the figures `real` (OUTPUT_NAMES order) pass them all.
    pub fn holds(&self, real: &[f64]) -> bool {
        self.0.iter().all(|c| c.holds(real))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// None where there is no constraint, else the text.
    pub fn text(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.to_string())
    }
}

impl std::fmt::Display for Constraints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(" and "))
    }
}

impl std::fmt::Display for Constraint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {}",
            self.quantity.name(),
            self.cmp.symbol(),
            self.value
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_operator() {
        for (text, cmp, v) in [
            ("efficiency >= 0.01", Cmp::Ge, 0.01),
            ("power>1e-6", Cmp::Gt, 1e-6),
            (" heat_hot <= -2 ", Cmp::Le, -2.0),
            ("ergotropy < 3", Cmp::Lt, 3.0),
        ] {
            let c = Constraint::parse(text).unwrap();
            assert_eq!((c.cmp, c.value), (cmp, v), "{text}");
        }
        assert_eq!(
            Constraint::parse("power > 0").unwrap().quantity,
            Quantity::Power
        );
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "efficiency",
            "efficiency => 1",
            ">= 1",
            "efficiency >=",
            "efficiency >= x",
            "efficiency >= nan",
            "efficiency >= 1 < 2",
            "effciency >= 1",
        ] {
            let e = Constraint::parse(bad).unwrap_err().to_string();
            assert!(!e.contains('\n'), "{e}");
            assert!(
                e.contains("accepted") || e.contains("finite number") || e.contains("did you mean"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn nan_never_passes() {
        for c in [Cmp::Ge, Cmp::Gt, Cmp::Le, Cmp::Lt] {
            assert!(!c.holds(f64::NAN, 0.0));
        }
    }
}
