//! Delta debugging: Zeller and Hildebrandt's `ddmin` ("Simplifying and
//! Isolating Failure-Inducing Input", IEEE TSE 28(2), 2002), over a set of
//! packages or of compiler options. Pure: the caller's test builds and runs.

use anyhow::Result;

/// Finds a 1-minimal subset of `items` for which `test` holds (removing any
/// one element of the answer makes it fail), given that it holds for all of
/// `items`, which is not tested again. Order is kept. With one culprit the
/// tests halve the set: about 1.5 tests per halving.
///
/// `test` answers `true` for "still shows it"; an unresolved test (a build
/// that fails) is the caller's to count as `false`.
///
/// Errors: the first error `test` returns.
pub fn ddmin<T: Clone>(items: &[T], test: &mut dyn FnMut(&[T]) -> Result<bool>) -> Result<Vec<T>> {
    let mut c = items.to_vec();
    let mut n = 2;
    'outer: while c.len() >= 2 {
        let chunks = split(&c, n);
        for ch in &chunks {
            if test(ch)? {
                (c, n) = (ch.clone(), 2);
                continue 'outer;
            }
        }
        // With two chunks, each complement is the other chunk, tried above.
        if n > 2 {
            for i in 0..chunks.len() {
                let rest: Vec<T> = chunks
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != i)
                    .flat_map(|(_, ch)| ch.iter().cloned())
                    .collect();
                if test(&rest)? {
                    (c, n) = (rest, (n - 1).max(2));
                    continue 'outer;
                }
            }
        }
        if n >= c.len() {
            break;
        }
        n = (2 * n).min(c.len());
    }
    Ok(c)
}

/// `c` in `n` chunks of nearly equal size, in order (the first ones larger).
fn split<T: Clone>(c: &[T], n: usize) -> Vec<Vec<T>> {
    let (q, r) = (c.len() / n, c.len() % n);
    let mut out = Vec::with_capacity(n);
    let mut at = 0;
    for i in 0..n {
        let len = q + usize::from(i < r);
        out.push(c[at..at + len].to_vec());
        at += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count<F: Fn(&[u32]) -> bool>(n: u32, f: F) -> (Vec<u32>, usize) {
        let items: Vec<u32> = (0..n).collect();
        let mut tests = 0;
        let found = ddmin(&items, &mut |s| {
            tests += 1;
            Ok(f(s))
        })
        .unwrap();
        (found, tests)
    }

    #[test]
    fn one_culprit_is_found_by_halving() {
        let (found, tests) = count(85, |s| s.contains(&13));
        assert_eq!(found, [13]);
        assert!(tests <= 14, "{tests} tests");
    }

    #[test]
    fn two_culprits_needed_together_are_both_kept() {
        let (found, _) = count(16, |s| s.contains(&3) && s.contains(&12));
        assert_eq!(found, [3, 12]);
    }

    #[test]
    fn either_of_two_is_enough() {
        let (found, _) = count(16, |s| s.contains(&3) || s.contains(&12));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn one_item_is_not_tested() {
        let (found, tests) = count(1, |_| panic!("not called"));
        assert_eq!((found, tests), (vec![0], 0));
    }

    #[test]
    fn chunks_cover_in_order() {
        assert_eq!(split(&[1, 2, 3, 4, 5], 2), [vec![1, 2, 3], vec![4, 5]]);
        assert_eq!(split(&[1, 2, 3], 3), [vec![1], vec![2], vec![3]]);
    }
}
