//! Where a result came from, for metadata.json: the crate version and git
//! commit it was built from, when it was written (UTC), and the command
//! that ran it, so that a folder can be traced and rerun.

use std::time::{SystemTime, UNIX_EPOCH};

/// The crate version, with the git commit where the build had one
/// (`-dirty` when the tree had uncommitted changes).
pub fn version() -> String {
    let commit = env!("NESSBAT_GIT_COMMIT");
    if commit.is_empty() {
        env!("CARGO_PKG_VERSION").to_string()
    } else {
        format!("{} ({commit})", env!("CARGO_PKG_VERSION"))
    }
}

/// The git commit of the build, or None outside a checkout.
pub fn git_commit() -> Option<&'static str> {
    Some(env!("NESSBAT_GIT_COMMIT")).filter(|c| !c.is_empty())
}

/// Now, as an RFC 3339 UTC timestamp to the second.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    utc(secs)
}

/// `secs` since the Unix epoch as RFC 3339 UTC (proleptic Gregorian; the
/// days-to-civil conversion of H. Hinnant's date algorithms).
pub fn utc(secs: u64) -> String {
    let (days, rem) = ((secs / 86_400) as i64, secs % 86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// A command line as one shell-pastable string: arguments with spaces or
/// shell characters in single quotes.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    args.into_iter()
        .map(|a| {
            let plain = !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
            if plain {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_matches_known_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        // `date -u -d @951782400`: a leap day.
        assert_eq!(utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(utc(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn command_lines_quote_what_the_shell_would_split() {
        let c = command_line(
            [
                "nessbat",
                "optimize",
                "--subject-to",
                "efficiency >= 0.01",
                "it's",
            ]
            .map(String::from),
        );
        assert_eq!(
            c,
            r"nessbat optimize --subject-to 'efficiency >= 0.01' 'it'\''s'"
        );
    }
}
