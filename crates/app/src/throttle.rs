//! Throttling failed sign-ins per username and per client address.

use std::collections::{HashMap, VecDeque};

use base::Timestamp;

/// Keys tracked at most; the oldest are forgotten first, so a flood of made-up usernames cannot
/// exhaust memory.
const MAX_KEYS: usize = 100_000;

/// Counts recent failed sign-ins and refuses new attempts after too many. Only failures count,
/// so a whole class signing in at once from one school address is never slowed down.
#[derive(Debug)]
pub struct LoginThrottle {
    per_user: usize,
    per_client: usize,
    window_ms: i64,
    // Invariant: each queue is sorted oldest first and holds only failures inside the window.
    failures: HashMap<String, VecDeque<Timestamp>>,
}

impl LoginThrottle {
    /// A throttle allowing `per_user` failures per username and `per_client` per address within `window_ms`.
    pub fn new(per_user: usize, per_client: usize, window_ms: i64) -> Self {
        Self { per_user, per_client, window_ms, failures: HashMap::new() }
    }

    fn prune(&mut self, key: &str, now: Timestamp) -> usize {
        let window = self.window_ms;
        match self.failures.get_mut(key) {
            Some(q) => {
                while q.front().is_some_and(|t| now.millis() - t.millis() >= window) {
                    q.pop_front();
                }
                q.len()
            }
            None => 0,
        }
    }

    /// `Err(seconds to wait)` if either the username or the client is over its limit.
    pub fn check(&mut self, username: &str, client: &str, now: Timestamp) -> Result<(), u64> {
        let keys =
            [(format!("u:{}", username.to_lowercase()), self.per_user), (format!("c:{client}"), self.per_client)];
        for (key, limit) in keys {
            if self.prune(&key, now) >= limit {
                let oldest = self.failures[&key].front().map_or(now.millis(), |t| t.millis());
                let wait_ms = (oldest + self.window_ms - now.millis()).max(1000);
                return Err(u64::try_from((wait_ms + 999) / 1000).unwrap_or(1));
            }
        }
        Ok(())
    }

    /// Records a failed attempt.
    pub fn fail(&mut self, username: &str, client: &str, now: Timestamp) {
        if self.failures.len() >= MAX_KEYS {
            let window = self.window_ms;
            self.failures.retain(|_, q| q.back().is_some_and(|t| now.millis() - t.millis() < window));
            if self.failures.len() >= MAX_KEYS {
                self.failures.clear();
            }
        }
        for key in [format!("u:{}", username.to_lowercase()), format!("c:{client}")] {
            self.failures.entry(key).or_default().push_back(now);
        }
    }

    /// Forgets a username's failures after it signs in successfully.
    pub fn succeed(&mut self, username: &str) {
        self.failures.remove(&format!("u:{}", username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests;
