//! Heat currents that vanish at the NESS by the structure of the baths'
//! transitions, not by rounding: exact zeros.
//!
//! The transitions the baths drive form a graph on the levels. A bridge
//! (a transition whose removal leaves its two levels apart) lies on no
//! loop: population that crosses it cannot come back another way, so at
//! a stationary state its net flow is zero. Where every loop is driven at
//! one temperature (each set of levels that loops join, after the bridges
//! are cut, has all its baths at one T, and each bridge's baths share
//! one), the NESS is in detailed balance on every transition
//! (Kolmogorov's criterion), and no bath exchanges net heat with it.

use nalgebra::DMatrix;

use super::generator::BathPoint;

/// Whether levels a and b are joined by bath `w`'s rates.
fn linked(w: &DMatrix<f64>, a: usize, b: usize) -> bool {
    w[(a, b)] != 0.0 || w[(b, a)] != 0.0
}

/// The bridges of the baths' transition graph, as a symmetric table
/// (Tarjan's low-link, O(d²) on the adjacency table; d ≤ 64).
fn bridges(parts: &[DMatrix<f64>]) -> Vec<Vec<bool>> {
    let d = parts.first().map_or(0, |w| w.nrows());
    let adjacent: Vec<Vec<bool>> = (0..d)
        .map(|a| {
            (0..d)
                .map(|b| a != b && parts.iter().any(|w| linked(w, a, b)))
                .collect()
        })
        .collect();
    let mut bridge = vec![vec![false; d]; d];
    let (mut found, mut low) = (vec![usize::MAX; d], vec![0; d]);
    let mut time = 0;
    for root in 0..d {
        if found[root] != usize::MAX {
            continue;
        }
        // Depth-first, iteratively: (level, its parent, next neighbour).
        let mut stack = vec![(root, usize::MAX, 0)];
        found[root] = time;
        low[root] = time;
        time += 1;
        while let Some(top) = stack.last_mut() {
            let (u, parent) = (top.0, top.1);
            if let Some(v) = (top.2..d).find(|&v| adjacent[u][v]) {
                top.2 = v + 1;
                if found[v] == usize::MAX {
                    found[v] = time;
                    low[v] = time;
                    time += 1;
                    stack.push((v, u, 0));
                } else if v != parent {
                    low[u] = low[u].min(found[v]);
                }
            } else {
                stack.pop();
                if parent != usize::MAX {
                    low[parent] = low[parent].min(low[u]);
                    if low[u] > found[parent] {
                        bridge[u][parent] = true;
                        bridge[parent][u] = true;
                    }
                }
            }
        }
    }
    bridge
}

/// Whether the baths' NESS carries no heat current by structure: at most
/// one bath with rates (its NESS is its own stationary state, W_k π = 0,
/// whatever loops its rates make), or every loop driven at one
/// temperature (module doc): a tree of transitions with one bath each (the
/// maser below threshold), or baths at one temperature on a loop beside a
/// bath at another on a bridge (found: such a point flagged "−1.7e-18 ±
/// 1.2e-15" where every heat is 0). A bath without a temperature (explicit
/// rates) counts only alone on a bridge. A loop driven at two
/// temperatures, or two on one transition, can carry a current, however
/// small.
pub fn no_current_by_structure(parts: &[DMatrix<f64>], baths: &[BathPoint]) -> bool {
    let live: Vec<usize> = (0..parts.len())
        .filter(|&k| parts[k].iter().any(|x| *x != 0.0))
        .collect();
    if live.len() <= 1 {
        return true;
    }
    let d = parts[live[0]].nrows();
    let bridge = bridges(parts);
    // Levels joined by loops: union-find over the transitions that are
    // not bridges; each such set's temperature, and each bridge's.
    let mut root: Vec<usize> = (0..d).collect();
    fn find(root: &mut [usize], mut a: usize) -> usize {
        while root[a] != a {
            root[a] = root[root[a]];
            a = root[a];
        }
        a
    }
    // (The bridge table is symmetric: row b holds b's transitions.)
    for (b, row) in bridge.iter().enumerate() {
        for a in (0..b).filter(|&a| !row[a]) {
            if live.iter().any(|&k| linked(&parts[k], a, b)) {
                let (ra, rb) = (find(&mut root, a), find(&mut root, b));
                root[ra] = rb;
            }
        }
    }
    let mut looped: Vec<Option<f64>> = vec![None; d];
    for (b, row) in bridge.iter().enumerate() {
        for (a, &on_bridge) in row.iter().enumerate().take(b) {
            let on: Vec<f64> = live
                .iter()
                .filter(|&&k| linked(&parts[k], a, b))
                .map(|&k| baths[k].temperature)
                .collect();
            let Some(&t) = on.first() else { continue };
            // One temperature per transition; an explicit-rate bath (no
            // temperature) only alone.
            if on.len() > 1 && on.iter().any(|&u| !u.is_finite() || u != t) {
                return false;
            }
            if on_bridge {
                continue;
            }
            if !t.is_finite() {
                return false;
            }
            let r = find(&mut root, a);
            match looped[r] {
                Some(u) if u != t => return false,
                _ => looped[r] = Some(t),
            }
        }
    }
    true
}

/// Whether bath `k` carries no heat current at the NESS by structure:
/// each transition it drives is driven by no other bath and is a bridge.
/// Its net flow there is zero, and with it the bath's heat: an exact 0,
/// not a sum that rounds to ~ε of the flows (found: a bath whose only
/// transition led to a level no other bath reached, beside a loop two
/// other baths carried, flagged "0 ± 2e-12"). False for a bath with no
/// rates (its heat is 0 anyway).
pub fn bridged(parts: &[DMatrix<f64>], k: usize) -> bool {
    let d = parts[k].nrows();
    let bridge = bridges(parts);
    let own: Vec<(usize, usize)> = (0..d)
        .flat_map(|b| (0..b).map(move |a| (a, b)))
        .filter(|&(a, b)| linked(&parts[k], a, b))
        .collect();
    let exclusive = |&(a, b): &(usize, usize)| {
        parts
            .iter()
            .enumerate()
            .all(|(j, w)| j == k || !linked(w, a, b))
    };
    !own.is_empty() && own.iter().all(|e| exclusive(e) && bridge[e.0][e.1])
}
