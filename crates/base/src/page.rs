//! Keyset pagination: a page of items and the cursor that continues after it.

/// What a caller asks for: at most `limit` items after the opaque cursor `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// At most this many items; always between 1 and [`PageRequest::MAX_LIMIT`].
    limit: u32,
    /// The last key of the previous page, if any.
    pub after: Option<String>,
}

impl PageRequest {
    /// The largest page anyone may ask for.
    pub const MAX_LIMIT: u32 = 500;
    /// The page size when the caller does not say.
    pub const DEFAULT_LIMIT: u32 = 50;

    /// A request, with the limit clamped to 1..=[`Self::MAX_LIMIT`].
    pub fn new(limit: Option<u32>, after: Option<String>) -> Self {
        let limit = limit.unwrap_or(Self::DEFAULT_LIMIT).clamp(1, Self::MAX_LIMIT);
        Self { limit, after }
    }

    /// The first page with the default size.
    pub fn first() -> Self {
        Self::new(None, None)
    }

    /// The clamped limit.
    pub fn limit(&self) -> u32 {
        self.limit
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items, in key order.
    pub items: Vec<T>,
    /// The cursor for the next page, or `None` if this is the last one.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched items: the extra item only signals that more exist.
    pub fn from_overfetch(mut items: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Self {
        let limit = request.limit() as usize;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(key)
        } else {
            None
        };
        Self { items, next }
    }

    /// Applies `f` to every item, keeping the cursor.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next: self.next }
    }
}
