//! `outputs = ["power", "efficiency"]`: which arrays a sweep computes,
//! reads back from the device and writes. The kernels write only the
//! chosen quantities (each to its own slot of the output buffer, see
//! `out_slot` in shaders/common/params.wgsl), so the read-back and the
//! files shrink with the choice (the cycles too: they follow the status
//! words in their own half of the buffer); `status` is always kept, since
//! it says what every other number is worth.

use crate::{Quantity, N_OUTPUTS};

/// `out_slot` of a quantity the kernel does not write.
pub use crate::layout::NO_SLOT;

/// Why a list of array names was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The list is empty.
    Empty,
    /// A name that is no quantity, `cycles` or `status`.
    Unknown(String),
}

/// A set of the quantities (OUTPUT_NAMES) and `cycles`; `status` always.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outputs {
    /// Bit q: quantity q; bit N_OUTPUTS: cycles.
    mask: u32,
}

const CYCLES: u32 = 1 << N_OUTPUTS;

impl Default for Outputs {
    fn default() -> Self {
        Outputs::ALL
    }
}

impl Outputs {
    /// Every quantity, cycles and status: what a sweep writes by default.
    pub const ALL: Outputs = Outputs {
        mask: (1 << (N_OUTPUTS + 1)) - 1,
    };

    /// The set named by `names` (order and repeats do not matter; `status`
    /// is kept whether named or not).
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Outputs, Refused> {
        if names.is_empty() {
            return Err(Refused::Empty);
        }
        let mut mask = 0;
        for name in names {
            let name = name.as_ref().trim();
            mask |= match name {
                "cycles" => CYCLES,
                "status" => 0,
                _ => match Quantity::from_name(name) {
                    Some(q) => 1 << q.index(),
                    None => return Err(Refused::Unknown(name.to_string())),
                },
            };
        }
        Ok(Outputs { mask })
    }

    /// Whether quantity `q` is kept.
    pub fn has(self, q: Quantity) -> bool {
        self.mask & (1 << q.index()) != 0
    }

    /// Whether `cycles` is kept.
    pub fn cycles(self) -> bool {
        self.mask & CYCLES != 0
    }

    /// The kept quantities, in output order.
    pub fn quantities(self) -> impl Iterator<Item = Quantity> {
        Quantity::ALL.into_iter().filter(move |q| self.has(*q))
    }

    /// How many quantities are kept.
    pub fn count(self) -> usize {
        self.quantities().count()
    }

    /// Whether this is everything.
    pub fn is_all(self) -> bool {
        self == Outputs::ALL
    }

    /// Where the kernel writes each quantity: the kept ones packed in
    /// output order (slot k holds the k-th kept quantity), [`NO_SLOT`] for
    /// the others.
    pub fn slots(self) -> [u32; N_OUTPUTS] {
        let mut slots = [NO_SLOT; N_OUTPUTS];
        for (k, q) in self.quantities().enumerate() {
            slots[q.index()] = k as u32;
        }
        slots
    }

    /// The kept arrays' names, in file order (quantities, cycles, status).
    pub fn names(self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self.quantities().map(|q| q.name()).collect();
        if self.cycles() {
            v.push("cycles");
        }
        v.push("status");
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_pack_the_kept_quantities_in_order() {
        let o = Outputs::parse(&["efficiency", "status", "power", "power"]).unwrap();
        assert_eq!(o.count(), 2);
        assert!(!o.cycles());
        let s = o.slots();
        assert_eq!(s[Quantity::Power.index()], 0);
        assert_eq!(s[Quantity::Efficiency.index()], 1);
        assert_eq!(s.iter().filter(|&&k| k == NO_SLOT).count(), N_OUTPUTS - 2);
        assert_eq!(o.names(), ["power", "efficiency", "status"]);
        assert!(Outputs::ALL
            .slots()
            .iter()
            .enumerate()
            .all(|(q, &k)| k == q as u32));
        assert_eq!(Outputs::ALL.names().len(), N_OUTPUTS + 2);
    }

    #[test]
    fn unknown_and_empty_lists_are_refused() {
        assert_eq!(
            Outputs::parse(&["power", "powr"]),
            Err(Refused::Unknown("powr".into()))
        );
        let none: [&str; 0] = [];
        assert_eq!(Outputs::parse(&none), Err(Refused::Empty));
    }
}
