//! The Pareto front of two figures over a sweep's grid: the points that no
//! other point beats in both (both maximised).

/// The non-dominated points, best first in the first figure.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoFront {
    /// Flat grid indices (C order) of the front.
    pub points: Vec<usize>,
}

/// The front of `(a[i], b[i])` over the indices `i` that `admit` accepts
/// (and whose figures are finite): i is on the front unless some j has
/// `a[j] ≥ a[i]` and `b[j] ≥ b[i]` with one of them strict. Equal pairs are
/// all kept, in grid order. O(n log n): sort by a descending (b
/// descending, then index), then keep each point whose b beats every b
/// before it, or ties the last kept one in both figures.
pub fn pareto_front(a: &[f64], b: &[f64], admit: &dyn Fn(usize) -> bool) -> ParetoFront {
    let mut idx: Vec<usize> = (0..a.len())
        .filter(|i| a[*i].is_finite() && b[*i].is_finite() && admit(*i))
        .collect();
    idx.sort_by(|i, j| {
        a[*j]
            .total_cmp(&a[*i])
            .then(b[*j].total_cmp(&b[*i]))
            .then(i.cmp(j))
    });
    let mut points: Vec<usize> = Vec::new();
    let mut best_b = f64::NEG_INFINITY;
    for i in idx {
        let tie = points
            .last()
            .is_some_and(|l| a[*l] == a[i] && b[*l] == b[i]);
        if b[i] > best_b || tie {
            best_b = best_b.max(b[i]);
            points.push(i);
        }
    }
    ParetoFront { points }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, checked pair by pair.
    fn brute(a: &[f64], b: &[f64]) -> Vec<usize> {
        (0..a.len())
            .filter(|i| {
                !(0..a.len())
                    .any(|j| a[j] >= a[*i] && b[j] >= b[*i] && (a[j] > a[*i] || b[j] > b[*i]))
            })
            .collect()
    }

    #[test]
    fn equals_the_definition_with_ties_and_duplicates() {
        // A deterministic scramble with many repeated values.
        let n = 400;
        let a: Vec<f64> = (0..n).map(|i| ((i * 37) % 23) as f64).collect();
        let b: Vec<f64> = (0..n)
            .map(|i| ((i * 53) % 19) as f64 - (i % 3) as f64)
            .collect();
        let mut got = pareto_front(&a, &b, &|_| true).points;
        got.sort_unstable();
        assert_eq!(got, brute(&a, &b));
        assert!(!got.is_empty());
    }

    #[test]
    fn skips_nan_and_points_not_admitted() {
        let a = [1.0, f64::NAN, 3.0, 2.0];
        let b = [3.0, 9.0, 1.0, 2.0];
        assert_eq!(pareto_front(&a, &b, &|_| true).points, vec![2, 3, 0]);
        assert_eq!(pareto_front(&a, &b, &|i| i != 2).points, vec![3, 0]);
    }
}
