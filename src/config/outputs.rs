//! `outputs = ["power", "efficiency"]`: which arrays a sweep computes,
//! reads back from the device and writes. The set itself
//! ([`Outputs`]) is part of the kernels' interface, since the kernels
//! write only the chosen quantities, each to its own slot; here it is read
//! from a config or `--outputs`, with errors that name the setting.

use crate::Error;
pub use nessbat_kernels::outputs::{Outputs, Refused, NO_SLOT};

/// The names a config or `--outputs` may list.
pub fn accepted() -> String {
    format!(
        "names from {}, cycles, status",
        nessbat_kernels::OUTPUT_NAMES.join(", ")
    )
}

/// The set named by `names` (order and repeats do not matter; `status` is
/// kept whether named or not). `key` names the setting in errors.
pub fn parse<S: AsRef<str>>(names: &[S], key: &str) -> Result<Outputs, Error> {
    Outputs::parse(names).map_err(|refused| {
        let (accepted, value) = match refused {
            Refused::Empty => (format!("a non-empty list of {}", accepted()), "[]".into()),
            Refused::Unknown(name) => (accepted(), format!("{name:?}")),
        };
        Error::OutOfRange {
            key: key.into(),
            accepted,
            value,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_empty_lists_are_refused_with_the_accepted_names() {
        let e = parse(&["powr"], "outputs").unwrap_err().to_string();
        assert!(
            e.contains("outputs") && e.contains("\"powr\"") && e.contains("ergotropy"),
            "{e}"
        );
        let none: [&str; 0] = [];
        let e = parse(&none, "--outputs").unwrap_err().to_string();
        assert!(e.contains("--outputs") && e.contains("non-empty"), "{e}");
    }
}
