//! Enums named by words: on the command line, in configs, in
//! metadata.json and in Python, one spelling each ("density-matrix",
//! "f32", "argmax"). [`Named`] lists the variants and their names;
//! [`named!`](macro@crate::named) derives from it `Display`, `FromStr` and serde's
//! `Serialize`/`Deserialize` (the name, and a refusal that lists the
//! accepted names), so that no caller mirrors an enum or re-parses a
//! string.

/// An enum whose variants are named by words.
pub trait Named: Copy + 'static {
    /// The setting a value is given by, for messages: "model",
    /// "precision" (the config key, flag and Python keyword alike).
    const WHAT: &'static str;
    /// Every variant, in the order the accepted names are listed.
    const ALL: &'static [Self];

    /// The variant's name.
    fn name(self) -> &'static str;

    /// The variant of a name; `None` for anything else.
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == s)
    }

    /// The accepted names, quoted: `"f32", "f64"`.
    fn accepted() -> String {
        Self::ALL
            .iter()
            .map(|v| format!("\"{}\"", v.name()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A name that is none of an enum's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub what: &'static str,
    pub value: String,
    pub accepted: String,
}

impl Unknown {
    /// The refusal of `value` as a `T`.
    pub fn of<T: Named>(value: &str) -> Unknown {
        Unknown {
            what: T::WHAT,
            value: value.to_string(),
            accepted: T::accepted(),
        }
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?} is unknown; accepted: {}",
            self.what, self.value, self.accepted
        )
    }
}

impl std::error::Error for Unknown {}

/// The name of a [`Named`] value as its `Display`, `FromStr`, `Serialize`
/// and `Deserialize`.
#[macro_export]
macro_rules! named {
    ($($t:ty),+ $(,)?) => {$(
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::named::Named::name(*self))
            }
        }

        impl ::std::str::FromStr for $t {
            type Err = $crate::named::Unknown;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                <$t as $crate::named::Named>::parse(s)
                    .ok_or_else(|| $crate::named::Unknown::of::<$t>(s))
            }
        }

        impl $crate::named::serde::Serialize for $t {
            fn serialize<S: $crate::named::serde::Serializer>(
                &self,
                s: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str($crate::named::Named::name(*self))
            }
        }

        impl<'de> $crate::named::serde::Deserialize<'de> for $t {
            fn deserialize<D: $crate::named::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as $crate::named::serde::Deserialize>::deserialize(d)?;
                s.parse().map_err(<D::Error as $crate::named::serde::de::Error>::custom)
            }
        }
    )+};
}

/// For [`named!`] in other crates.
pub use serde;

use crate::{ModelKind, Precision, Quantity};

impl Named for ModelKind {
    const WHAT: &'static str = "model";
    const ALL: &'static [ModelKind] = &ModelKind::ALL;
    fn name(self) -> &'static str {
        ModelKind::name(self)
    }
}

impl Named for Precision {
    const WHAT: &'static str = "precision";
    const ALL: &'static [Precision] = &Precision::ALL;
    fn name(self) -> &'static str {
        Precision::name(self)
    }
}

impl Named for Quantity {
    const WHAT: &'static str = "quantity";
    const ALL: &'static [Quantity] = &Quantity::ALL;
    fn name(self) -> &'static str {
        Quantity::name(self)
    }
}

crate::named!(ModelKind, Precision, Quantity);

#[cfg(test)]
mod tests {
    use crate::{ModelKind, Precision, Quantity};

    use super::Named;

    fn round_trips<T: Named + std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug>()
    where
        T::Err: std::fmt::Debug,
    {
        for v in T::ALL {
            assert_eq!(v.to_string().parse::<T>().unwrap(), *v);
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_accepted() {
        round_trips::<ModelKind>();
        round_trips::<Precision>();
        round_trips::<Quantity>();
        let e = "f16".parse::<Precision>().unwrap_err().to_string();
        assert_eq!(
            e,
            "precision \"f16\" is unknown; accepted: \"f32\", \"f64\""
        );
    }
}
