//! One job per server over a whole fleet (a managed service provider keeps hundreds): at
//! most [`FleetOptions::limit`] servers are asked at once, each within its own time limit,
//! and each result is handed on the moment it is in. A slow or dead server so holds up
//! only its own row, never the others', and a large fleet never opens hundreds of
//! connections (or SSH sessions) at the same time.

use std::future::Future;
use std::time::Duration;

use futures_util::stream::{self, Stream, StreamExt};
use thiserror::Error;
use tokio::time::Instant;

use crate::error::{Explain, Words};
use crate::messages::Phrase;

/// Servers asked at once. Each server is its own host, and its requests are mostly waiting
/// on the network, so a fleet of a couple of hundred is asked all at once: the whole
/// dashboard then takes about as long as its slowest server. The bound keeps a larger fleet
/// within the open-file limit; SSH reads have their own, smaller one
/// (`installation::ssh`).
pub const DEFAULT_LIMIT: usize = 256;

/// How long one server may take, all its requests together (a request is retried, so a
/// hanging server would otherwise take several request timeouts).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// How a fleet is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FleetOptions {
    /// Jobs in flight at most (0 counts as 1).
    pub limit: usize,
    /// Time limit of each job, from the moment it starts.
    pub timeout: Duration,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            limit: DEFAULT_LIMIT,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// Why a server has no result.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FleetError {
    #[error("The server gave no complete answer within {} seconds.", .after.as_secs())]
    TimedOut { after: Duration },
}

impl Explain for FleetError {
    fn code(&self) -> &'static str {
        match self {
            FleetError::TimedOut { .. } => "fleet_timeout",
        }
    }

    fn words(&self) -> Option<Words> {
        let FleetError::TimedOut { after } = self;
        Some(Words {
            message: vec![Phrase::new("fleet.timed_out").with("seconds", after.as_secs())],
            advice: vec![Phrase::new("fleet.timed_out.advice")],
        })
    }
}

/// One server's result, with the server it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished<I, T> {
    pub item: I,
    pub outcome: Result<T, FleetError>,
    /// From the start of its own job (the wait for a free slot not counted).
    pub elapsed: Duration,
}

/// Runs `job` for every item, at most `options.limit` at once, and yields each result as
/// it arrives (not in the items' order). A job still running after `options.timeout` is
/// dropped and yields [`FleetError::TimedOut`].
pub fn run<I, T, F, Fut>(
    items: impl IntoIterator<Item = I>,
    options: FleetOptions,
    mut job: F,
) -> impl Stream<Item = Finished<I, T>>
where
    I: Clone,
    F: FnMut(I) -> Fut,
    Fut: Future<Output = T>,
{
    allow_open_files();
    stream::iter(items)
        .map(move |item| {
            let work = job(item.clone());
            async move {
                let started = Instant::now();
                let outcome = tokio::time::timeout(options.timeout, work)
                    .await
                    .map_err(|_| FleetError::TimedOut {
                        after: options.timeout,
                    });
                Finished {
                    item,
                    outcome,
                    elapsed: started.elapsed(),
                }
            }
        })
        .buffer_unordered(options.limit.max(1))
}

/// Raises the soft open-file limit to what a fleet may need, a socket per server in flight
/// plus the app's own files (macOS starts programs with 256, Linux with 1024), within the
/// hard limit. Where the hard limit is lower, it stays, and servers beyond it get a
/// connection error on their own rows.
fn allow_open_files() {
    #[cfg(unix)]
    if let Err(error) = rlimit::increase_nofile_limit(4096) {
        tracing::debug!(%error, "the open-file limit stays as it is");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn options(limit: usize, timeout_ms: u64) -> FleetOptions {
        FleetOptions {
            limit,
            timeout: Duration::from_millis(timeout_ms),
        }
    }

    #[tokio::test]
    async fn a_dead_server_holds_up_only_its_own_result() {
        let began = Instant::now();
        let servers = ["dead", "a", "b", "c", "d", "e"];
        let results: Vec<_> = run(servers, options(2, 1500), |name| async move {
            if name == "dead" {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            name
        })
        .map(|done| (done, began.elapsed()))
        .collect()
        .await;

        let order: Vec<&str> = results.iter().map(|(done, _)| done.item).collect();
        assert_eq!(order, ["a", "b", "c", "d", "e", "dead"]);
        for (done, at) in &results[..5] {
            assert_eq!(done.outcome, Ok(done.item));
            assert!(
                *at < Duration::from_millis(1000),
                "{} came at {at:?}",
                done.item
            );
        }
        let (dead, at) = &results[5];
        assert_eq!(
            dead.outcome,
            Err(FleetError::TimedOut {
                after: Duration::from_millis(1500)
            })
        );
        assert!(*at >= Duration::from_millis(1500));
        assert_eq!(dead.outcome.as_ref().unwrap_err().code(), "fleet_timeout");
    }

    #[tokio::test]
    async fn no_more_jobs_than_the_limit_run_at_once() {
        let running = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let finished = run(0..40, options(5, 5000), |n| {
            let (running, most) = (&running, &most);
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(1 + n % 4)).await;
                running.fetch_sub(1, Ordering::SeqCst);
            }
        })
        .count()
        .await;
        assert_eq!(finished, 40);
        assert_eq!(most.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn each_result_keeps_the_server_it_belongs_to() {
        let servers: Vec<String> = (0..12).map(|n| format!("vault{n}.example.org")).collect();
        // Later servers answer first, so arrival order differs from the list's.
        let mut results: Vec<_> = run(servers.clone(), options(12, 5000), |name| async move {
            let n: u64 = name[5..name.find('.').unwrap()].parse().unwrap();
            tokio::time::sleep(Duration::from_millis(2 * (12 - n))).await;
            format!("{name} answered")
        })
        .collect()
        .await;
        assert_ne!(
            results.iter().map(|r| &r.item).collect::<Vec<_>>(),
            servers.iter().collect::<Vec<_>>()
        );
        for done in &results {
            assert_eq!(
                done.outcome.as_deref(),
                Ok(format!("{} answered", done.item).as_str())
            );
        }
        results.sort_by(|a, b| a.item.cmp(&b.item));
        let mut expected = servers;
        expected.sort();
        assert_eq!(
            results.into_iter().map(|r| r.item).collect::<Vec<_>>(),
            expected
        );
    }

    #[tokio::test]
    async fn a_limit_of_zero_still_runs_every_job() {
        let finished = run(0..3, options(0, 5000), |n| async move { n })
            .count()
            .await;
        assert_eq!(finished, 3);
    }
}
