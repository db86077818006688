//! A link's monthly byte budget: what may still be sent this month.

/// Bytes a link may carry per calendar month, and what it has carried this month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// `None`: unmetered.
    pub monthly_bytes: Option<u64>,
    pub used_this_month: u64,
}

/// The size limit of the next batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Send a sealed batch of at most this many bytes.
    Send(u64),
    /// The month's budget is spent; nothing goes until the next month.
    Exhausted { monthly_bytes: u64, used: u64 },
}

/// Batches smaller than this are not worth a round trip; a budget with less left is spent.
pub const MIN_BATCH_BYTES: u64 = 4 << 10;

impl Budget {
    /// What the next batch may take, capped at `batch_cap` (a batch's usual size limit).
    pub fn allowance(&self, batch_cap: u64) -> Allowance {
        match self.monthly_bytes {
            None => Allowance::Send(batch_cap),
            Some(monthly) => {
                let left = monthly.saturating_sub(self.used_this_month);
                if left < MIN_BATCH_BYTES {
                    Allowance::Exhausted { monthly_bytes: monthly, used: self.used_this_month }
                } else {
                    Allowance::Send(left.min(batch_cap))
                }
            }
        }
    }
}

/// The budget month a time falls in (`YYYY-MM`, UTC).
pub fn month_of(at: base::Timestamp) -> String {
    let date = at.date_utc();
    format!("{:04}-{:02}", date.year(), date.month())
}
