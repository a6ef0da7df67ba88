//! HTTP downloads for the sysroot engine: retries, bounded parallelism,
//! byte-level progress.
//!
//! reqwest with rustls and the operating system's certificate store, so a
//! corporate TLS proxy whose CA is only in the OS store still works.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;

/// How many times a download is attempted before giving up.
const ATTEMPTS: u32 = 3;
/// Downloads in flight at once.
pub const PARALLEL_DOWNLOADS: usize = 6;
/// Cap on a file no signed index gives a size for (InRelease, Release,
/// Release.gpg): Debian's largest InRelease is a few hundred KiB.
pub const UNSIGNED_CAP: u64 = 8 << 20;
/// Overall time one file may take, unless `CROSSPORT_DOWNLOAD_TIMEOUT`
/// (seconds) says otherwise; a trickling server never trips a read timeout.
pub const DEFAULT_DOWNLOAD_TIMEOUT_SECS: u64 = 600;
/// Most bytes reserved up front for a body (the signed size decides, never
/// the server's Content-Length; larger bodies grow as they arrive).
const MAX_PREALLOCATION: u64 = 16 << 20;

/// `1.5 MiB`, `812 KiB`, `17 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 || value.fract() < 0.05 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn download_timeout() -> Duration {
    let secs = std::env::var("CROSSPORT_DOWNLOAD_TIMEOUT")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .unwrap_or(DEFAULT_DOWNLOAD_TIMEOUT_SECS);
    Duration::from_secs(secs)
}

/// Why a URL could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    #[error("{url}: HTTP status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {message}")]
    Transfer { url: String, message: String },
    #[error("{url}: got {}, expected {} (truncated download)", human_bytes(*got), human_bytes(*expected))]
    Truncated {
        url: String,
        got: u64,
        expected: u64,
    },
    #[error("{url}: more than {} ({why}); stopped the download", human_bytes(*limit))]
    TooLarge {
        url: String,
        limit: u64,
        why: &'static str,
    },
    #[error(
        "{url}: did not finish within {} s (set CROSSPORT_DOWNLOAD_TIMEOUT to allow longer)",
        .limit.as_secs()
    )]
    TimedOut { url: String, limit: Duration },
}

impl HttpError {
    /// A 404: the file is not there (so try another name), not a failure
    /// worth retrying.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::Status {
                status: 404 | 410,
                ..
            }
        )
    }

    fn is_retryable(&self) -> bool {
        match self {
            Self::Status { status, .. } => *status >= 500 || *status == 429,
            Self::Transfer { .. } | Self::Truncated { .. } => true,
            Self::Client(_) | Self::TooLarge { .. } | Self::TimedOut { .. } => false,
        }
    }
}

/// A shared HTTP client.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
}

impl Http {
    pub fn new() -> Result<Self, HttpError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("crossport/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .read_timeout(Duration::from_secs(60))
            .build()
            .map_err(|err| HttpError::Client(err.to_string()))?;
        Ok(Self { client })
    }

    /// Downloads `url` whole, retrying transient failures (connection
    /// errors, 5xx, 429, short bodies). `expected_size` is the size a
    /// signed index gives: the body may not pass it (checked as it
    /// arrives); without one the body may not pass [`UNSIGNED_CAP`]. Each
    /// attempt has an overall time limit. `on_bytes` is called with each
    /// chunk's length; a retried attempt's bytes are counted again.
    pub async fn get(
        &self,
        url: &str,
        expected_size: Option<u64>,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Vec<u8>, HttpError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let limit = download_timeout();
            let once = tokio::time::timeout(limit, self.get_once(url, expected_size, on_bytes));
            let result = once.await.unwrap_or_else(|_| {
                Err(HttpError::TimedOut {
                    url: url.to_owned(),
                    limit,
                })
            });
            match result {
                Ok(bytes) => return Ok(bytes),
                Err(err) if attempt < ATTEMPTS && err.is_retryable() => {
                    tracing::debug!("retrying {url}: {err}");
                    tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
                }
                Err(err) => return Err(err),
            }
        }
    }

    async fn get_once(
        &self,
        url: &str,
        expected_size: Option<u64>,
        on_bytes: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<Vec<u8>, HttpError> {
        let transfer = |err: reqwest::Error| HttpError::Transfer {
            url: url.to_owned(),
            message: error_chain(&err),
        };
        let response = self.client.get(url).send().await.map_err(transfer)?;
        let status = response.status();
        if !status.is_success() {
            return Err(HttpError::Status {
                url: url.to_owned(),
                status: status.as_u16(),
            });
        }
        let (cap, why) = match expected_size {
            Some(size) => (size, "the size the signed index gives"),
            None => (UNSIGNED_CAP, "the cap for a file no signed index sizes"),
        };
        let too_large = || HttpError::TooLarge {
            url: url.to_owned(),
            limit: cap,
            why,
        };
        let declared = response.content_length();
        if declared.is_some_and(|length| length > cap) {
            return Err(too_large());
        }
        let mut body =
            Vec::with_capacity(expected_size.unwrap_or(0).min(MAX_PREALLOCATION) as usize);
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(transfer)?;
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(too_large());
            }
            on_bytes(chunk.len() as u64);
            body.extend_from_slice(&chunk);
        }
        let got = body.len() as u64;
        if let Some(expected) = declared.or(expected_size)
            && got < expected
        {
            return Err(HttpError::Truncated {
                url: url.to_owned(),
                got,
                expected,
            });
        }
        Ok(body)
    }
}

/// Runs `jobs` with at most [`PARALLEL_DOWNLOADS`] in flight and returns
/// their results in input order.
pub async fn bounded<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: std::future::Future<Output = T>,
{
    let mut indexed: Vec<(usize, T)> = futures_util::stream::iter(
        jobs.into_iter()
            .enumerate()
            .map(|(i, job)| async move { (i, job.await) }),
    )
    .buffer_unordered(PARALLEL_DOWNLOADS)
    .collect()
    .await;
    indexed.sort_by_key(|(i, _)| *i);
    indexed.into_iter().map(|(_, value)| value).collect()
}

/// Total bytes downloaded, shared between concurrent downloads.
#[derive(Debug, Default)]
pub struct ByteCounter(AtomicU64);

impl ByteCounter {
    pub fn add(&self, n: u64) -> u64 {
        self.0.fetch_add(n, Ordering::Relaxed) + n
    }

    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::human_bytes;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(17), "17 bytes");
        assert_eq!(human_bytes(8 << 20), "8 MiB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MiB");
        assert_eq!(human_bytes(812 * 1024 + 3), "812 KiB");
        assert_eq!(human_bytes(4 << 30), "4 GiB");
    }
}
