//! Builds the service: async-lsp's layers around the routing table, plus
//! a guard that keeps protocol mistakes from ending the session.

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use async_lsp::client_monitor::ClientProcessMonitorLayer;
use async_lsp::concurrency::ConcurrencyLayer;
use async_lsp::panic::CatchUnwindLayer;
use async_lsp::router::Router;
use async_lsp::server::LifecycleLayer;
use async_lsp::tracing::TracingLayer;
use async_lsp::{AnyEvent, AnyNotification, AnyRequest, LspService, MainLoop};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::compat::{TokioAsyncReadCompatExt, TokioAsyncWriteCompatExt};
use tower::{Layer, Service, ServiceBuilder};

use crate::engine::Engine;
use crate::state::ServerState;

/// How the session ended, for the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// `exit` after `shutdown`: exit code 0.
    Clean,
    /// `exit` without `shutdown`, or the input closed: exit code 1.
    Abrupt,
}

/// Serves one client on `input`/`output` until `exit` or end of input.
pub async fn serve(
    input: impl AsyncRead + Unpin + Send + 'static,
    output: impl AsyncWrite + Unpin,
    engine: Arc<dyn Engine>,
) -> anyhow::Result<ExitStatus> {
    let shutdown = Arc::new(AtomicBool::new(false));
    let (main_loop, _client) = MainLoop::new_server(|client| {
        let state = ServerState::new(client.clone(), engine, shutdown.clone());
        let mut router = Router::new(state);
        crate::handlers::register(&mut router);
        ServiceBuilder::new()
            .layer(TracingLayer::default())
            .layer(GuardLayer)
            .layer(LifecycleLayer::default())
            .layer(CatchUnwindLayer::default())
            .layer(ConcurrencyLayer::default())
            .layer(ClientProcessMonitorLayer::new(client))
            .service(router)
    });
    // Log lines reach the client once it has sent `initialize` (see
    // handlers::lifecycle); the spec allows no messages before that.
    let input = crate::framing::sanitize(input).compat();
    let result = main_loop.run_buffered(input, output.compat_write()).await;
    crate::client_log::connect(None);
    match result {
        Ok(()) if shutdown.load(Ordering::SeqCst) => Ok(ExitStatus::Clean),
        Ok(()) | Err(async_lsp::Error::Eof) => Ok(ExitStatus::Abrupt),
        Err(error) => Err(anyhow::Error::new(error).context("the language server stopped")),
    }
}

/// Serves stdin/stdout on a fresh runtime.
pub fn serve_stdio(engine: Arc<dyn Engine>) -> anyhow::Result<ExitStatus> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let status = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), engine));
    // Dropping the runtime would wait for the thread blocked reading stdin,
    // which a client may keep open after `exit`.
    runtime.shutdown_background();
    status
}

/// Keeps a session alive through client mistakes async-lsp treats as fatal:
/// a stray or repeated `initialized`, and a panic in a notification handler.
#[derive(Debug, Clone, Copy)]
struct GuardLayer;

impl<S> Layer<S> for GuardLayer {
    type Service = Guard<S>;

    fn layer(&self, service: S) -> Guard<S> {
        Guard {
            service,
            initialize_seen: false,
            initialized_seen: false,
        }
    }
}

struct Guard<S> {
    service: S,
    initialize_seen: bool,
    initialized_seen: bool,
}

impl<S: LspService> Service<AnyRequest> for Guard<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.service.poll_ready(cx)
    }

    fn call(&mut self, request: AnyRequest) -> Self::Future {
        if request.method == "initialize" {
            self.initialize_seen = true;
        }
        self.service.call(request)
    }
}

impl<S: LspService> LspService for Guard<S> {
    fn notify(&mut self, notification: AnyNotification) -> ControlFlow<async_lsp::Result<()>> {
        if notification.method == "initialized" {
            if !self.initialize_seen || self.initialized_seen {
                tracing::warn!("ignored an `initialized` notification out of order");
                return ControlFlow::Continue(());
            }
            self.initialized_seen = true;
        }
        let method = notification.method.clone();
        match catch_unwind(AssertUnwindSafe(|| self.service.notify(notification))) {
            Ok(flow) => flow,
            Err(_) => {
                tracing::error!(%method, "a notification handler panicked; the server keeps running");
                ControlFlow::Continue(())
            }
        }
    }

    fn emit(&mut self, event: AnyEvent) -> ControlFlow<async_lsp::Result<()>> {
        match catch_unwind(AssertUnwindSafe(|| self.service.emit(event))) {
            Ok(flow) => flow,
            Err(_) => {
                tracing::error!("an internal event handler panicked; the server keeps running");
                ControlFlow::Continue(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_lsp::lsp_types::notification::{Initialized, Notification};
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    fn frame(value: serde_json::Value) -> Vec<u8> {
        let body = value.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[tokio::test]
    async fn serve_in_process_ends_clean_after_shutdown_and_exit() {
        let (mut client_write, server_read) = tokio::io::duplex(1 << 16);
        let (server_write, mut client_read) = tokio::io::duplex(1 << 16);
        let engine: Arc<dyn Engine> = Arc::new(crate::engine::CrossportEngine::new());
        let server = tokio::spawn(serve(server_read, server_write, engine));
        for message in [
            json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
            json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
            json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
            json!({ "jsonrpc": "2.0", "method": "exit" }),
        ] {
            client_write
                .write_all(&frame(message))
                .await
                .expect("server reads");
        }
        let status = server.await.expect("server task").expect("serve");
        assert_eq!(status, ExitStatus::Clean);
        let mut output = String::new();
        client_read
            .read_to_string(&mut output)
            .await
            .expect("output");
        assert!(output.contains(r#""id":2,"result":null"#), "{output}");
    }

    /// A service whose every notification panics, to test the guard alone.
    struct Panicking;

    impl Service<AnyRequest> for Panicking {
        type Response = serde_json::Value;
        type Error = async_lsp::ResponseError;
        type Future = std::future::Ready<Result<serde_json::Value, async_lsp::ResponseError>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: AnyRequest) -> Self::Future {
            std::future::ready(Ok(serde_json::Value::Null))
        }
    }

    impl LspService for Panicking {
        fn notify(&mut self, notification: AnyNotification) -> ControlFlow<async_lsp::Result<()>> {
            panic!("handler for {} panicked", notification.method)
        }

        fn emit(&mut self, _: AnyEvent) -> ControlFlow<async_lsp::Result<()>> {
            panic!("event handler panicked")
        }
    }

    fn notification(method: &str) -> AnyNotification {
        serde_json::from_value(json!({ "method": method, "params": {} })).expect("notification")
    }

    #[test]
    fn the_guard_survives_panics_and_drops_stray_initialized() {
        let mut guard = GuardLayer.layer(Panicking);
        // Before `initialize`, `initialized` never reaches the (panicking) service.
        assert!(
            guard
                .notify(notification(Initialized::METHOD))
                .is_continue()
        );
        assert!(!guard.initialized_seen);
        assert!(
            guard
                .notify(notification("textDocument/didOpen"))
                .is_continue()
        );
    }
}
