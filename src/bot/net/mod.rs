//! The bot's side of the network: [`retry`] wraps every Bot API request (429, network and
//! server errors, pacing), [`listen`] gets the updates (polling or webhook).

pub mod listen;
pub mod retry;

pub use listen::{poll, webhook};
pub use retry::{delivery, fault, is_harmless_edit_error, Delivery, Fault, Pacer, Policy, Retry};

/// Idle connections to the Bot API kept open for reuse. Each holds its buffers (and TLS
/// state); without a bound, a burst of concurrent requests (a screen's answer and edits
/// sent at once, many people at a time) leaves as many idle connections as it needed —
/// about 130 after 1,000 people opened a dialogue, 2–3 MiB (BENCHMARKS.md). Above the
/// bound a connection is closed once idle; the long poll and the usual traffic fit in it.
pub const IDLE_CONNECTIONS: usize = 16;

/// The HTTP client for the Bot API: teloxide's settings (timeouts, no Nagle), its
/// `TELOXIDE_PROXY`, and at most [`IDLE_CONNECTIONS`] idle connections.
pub fn client() -> Result<reqwest::Client, String> {
    let mut builder =
        teloxide::net::default_reqwest_settings().pool_max_idle_per_host(IDLE_CONNECTIONS);
    if let Ok(proxy) = std::env::var("TELOXIDE_PROXY") {
        let proxy = reqwest::Proxy::all(&proxy)
            .map_err(|_| "TELOXIDE_PROXY is not a usable proxy URL".to_string())?;
        builder = builder.proxy(proxy);
    }
    builder
        .build()
        .map_err(|e| format!("building the HTTP client: {e}"))
}
