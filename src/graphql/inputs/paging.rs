//! Paging arguments shared by every connection field.

use crate::query::page::PageArgs;

/// Collects a connection field's paging arguments.
pub fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    offset: Option<i32>,
) -> PageArgs {
    PageArgs {
        first: first.map(i64::from),
        after,
        last: last.map(i64::from),
        before,
        offset: offset.map(i64::from),
    }
}

/// The complexity of a connection field: its page size plus what each node selects, so
/// asking for larger pages costs more (see `QUERY_COMPLEXITY_LIMIT`).
pub fn connection_complexity(child: usize, first: Option<i32>, last: Option<i32>) -> usize {
    let size = first.or(last).map_or(50, |n| n.clamp(0, 500)) as usize;
    size.saturating_add(child)
}
