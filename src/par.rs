//! Par: one function over the items of a slice on several threads, the
//! results in the items' order. The graph's scanner and the language check
//! use it; items are handed out in turn, so a slow one does not hold the
//! others back.

use anyhow::Result;

/// `f` of each of `items`, in their order, on up to `threads` threads (this
/// one among them). With one thread or fewer than two items, no thread is
/// started. An item whose worker panicked gives
/// `internal: a WHAT worker panicked`.
pub fn map<T, R, F>(items: &[T], threads: usize, what: &str, f: F) -> Vec<Result<R>>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> Result<R> + Sync,
{
    if threads < 2 || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(item) = items.get(i) else { break mine };
            mine.push((i, f(item)));
        }
    };
    let done: Vec<Vec<(usize, Result<R>)>> = std::thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mut all = vec![work()];
        all.extend(helpers.into_iter().map(|h| h.join().unwrap_or_default()));
        all
    });
    let mut out: Vec<Option<Result<R>>> = items.iter().map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("internal: a {what} worker panicked"))))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order_on_any_number_of_threads() {
        let items: Vec<u32> = (0..50).collect();
        for threads in [1, 2, 4] {
            let got: Vec<u32> = super::map(&items, threads, "test", |x| Ok(x * 3))
                .into_iter()
                .map(|r| r.unwrap())
                .collect();
            assert_eq!(got, items.iter().map(|x| x * 3).collect::<Vec<_>>());
        }
    }
}
