//! What every benchmark prints: latency percentiles and the process's peak memory.

use std::time::Duration;

/// The `p` quantile (0 to 1) of sorted latencies.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Prints p50, p90, p99 and max of `latencies` (sorting them).
pub fn report(label: &str, latencies: &mut [Duration]) {
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label:<28} p50 {:7.2} ms  p90 {:7.2} ms  p99 {:7.2} ms  max {:7.2} ms  ({} requests)",
        ms(percentile(latencies, 0.50)),
        ms(percentile(latencies, 0.90)),
        ms(percentile(latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    );
}

/// The process's peak resident memory so far (`VmHWM`), in MiB.
pub fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_owned))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}
