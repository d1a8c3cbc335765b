//! Request counters and latency histogram for `/metrics`, in Prometheus text format.
//! Labels are the method and status class only: paths could carry record ids.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "OTHER"];
const CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

#[derive(Default)]
pub struct Metrics {
    requests: [[AtomicU64; 5]; 5],
    buckets: [AtomicU64; 10],
    count: AtomicU64,
    sum_micros: AtomicU64,
    /// Periodic work this instance ran, by task: (runs, failures).
    periodic: std::sync::Mutex<std::collections::BTreeMap<&'static str, (u64, u64)>>,
}

impl Metrics {
    fn observe(&self, method: &str, status: u16, seconds: f64) {
        let m = METHODS.iter().position(|x| *x == method).unwrap_or(4);
        let c = ((status / 100).clamp(1, 5) - 1) as usize;
        self.requests[m][c].fetch_add(1, Ordering::Relaxed);
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Counts a periodic task this instance ran, and whether it failed.
    pub fn periodic_ran(&self, task: &'static str, failed: bool) {
        if let Ok(mut m) = self.periodic.lock() {
            let e = m.entry(task).or_default();
            e.0 += 1;
            e.1 += u64::from(failed);
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::from("# HELP hearth_http_requests_total HTTP requests answered.\n# TYPE hearth_http_requests_total counter\n");
        for (m, method) in METHODS.iter().enumerate() {
            for (c, class) in CLASSES.iter().enumerate() {
                let n = self.requests[m][c].load(Ordering::Relaxed);
                if n > 0 {
                    out.push_str(&format!("hearth_http_requests_total{{method=\"{method}\",status=\"{class}\"}} {n}\n"));
                }
            }
        }
        out.push_str("# HELP hearth_http_request_duration_seconds Time to answer HTTP requests.\n# TYPE hearth_http_request_duration_seconds histogram\n");
        for (i, le) in BUCKETS.iter().enumerate() {
            out.push_str(&format!("hearth_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}\n", self.buckets[i].load(Ordering::Relaxed)));
        }
        let count = self.count.load(Ordering::Relaxed);
        out.push_str(&format!("hearth_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"));
        out.push_str(&format!(
            "hearth_http_request_duration_seconds_sum {}\nhearth_http_request_duration_seconds_count {count}\n",
            self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
        ));
        if let Ok(m) = self.periodic.lock() {
            out.push_str("# HELP hearth_periodic_runs_total Periodic work this instance ran, by task.\n# TYPE hearth_periodic_runs_total counter\n");
            for (task, (runs, _)) in m.iter() {
                out.push_str(&format!("hearth_periodic_runs_total{{task=\"{task}\"}} {runs}\n"));
            }
            out.push_str("# HELP hearth_periodic_failures_total Periodic work that failed on this instance, by task: each is also logged.\n# TYPE hearth_periodic_failures_total counter\n");
            for (task, (_, failures)) in m.iter() {
                out.push_str(&format!("hearth_periodic_failures_total{{task=\"{task}\"}} {failures}\n"));
            }
        }
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    state.metrics.observe(&method, res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}
