//! Peak resident memory of this process, resettable between models on Linux.

/// Resets the kernel's peak-RSS mark to the current RSS, so the next [`peak_rss_mb`] reports the
/// peak since this call. Returns false where the kernel does not allow it (then the peak is
/// the process's lifetime peak).
pub fn reset_peak() -> bool {
    // Writing 5 to clear_refs resets VmHWM (Linux 4.0+); elsewhere the write fails harmlessly.
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident set size in MiB (VmHWM), or `None` where /proc is not available.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024.0)
}
