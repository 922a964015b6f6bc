//! The server's listener: at most [`MAX_CONNECTIONS`] connections open at once (the
//! next waits for one to close, so the process never runs out of file descriptors and
//! refuses everyone), and a connection that sends nothing for [`IDLE`] is closed (slow
//! or abandoned clients do not hold their slot for ever); [`run`] serves HTTP/1 on it with
//! a deadline for each request's head.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// Longest a connection may wait for its client's next bytes.
pub const IDLE: Duration = Duration::from_secs(30);

/// A TCP listener with a bound on open connections and an idle time-out on each.
pub struct Bounded {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
}

impl Bounded {
    pub fn new(inner: TcpListener) -> Bounded {
        Bounded::with_limits(inner, MAX_CONNECTIONS, IDLE)
    }

    pub fn with_limits(inner: TcpListener, connections: usize, idle: Duration) -> Bounded {
        Bounded {
            inner,
            slots: Arc::new(Semaphore::new(connections)),
            idle,
        }
    }
}

impl axum::serve::Listener for Bounded {
    type Io = Guarded;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Guarded, std::net::SocketAddr) {
        // The semaphore is never closed: acquiring only waits.
        let slot = loop {
            if let Ok(p) = self.slots.clone().acquire_owned().await {
                break p;
            }
        };
        let (io, addr) = axum::serve::Listener::accept(&mut self.inner).await;
        (
            Guarded {
                io,
                _slot: slot,
                idle: self.idle,
                timer: None,
            },
            addr,
        )
    }

    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.inner.local_addr()
    }
}

/// The peer address of a connection of a [`Bounded`] listener, for the handlers
/// (`ConnectInfo<Peer>`).
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub std::net::SocketAddr);

/// Longest a client may take to send a request's head (request line and headers): a
/// client trickling its headers a byte at a time (slowloris) never resets the idle
/// timer, so the head has a deadline of its own.
pub const HEADER_READ: Duration = Duration::from_secs(20);

/// Longest the server waits, once asked to stop, for the requests in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish (within [`DRAIN`]). Each connection is HTTP/1 with a deadline of
/// `header_read` for every request head; each request carries `ConnectInfo<Peer>`.
pub async fn run(
    mut listener: Bounded,
    router: axum::Router,
    header_read: Duration,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    use axum::extract::ConnectInfo;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (io, addr) = tokio::select! {
            conn = axum::serve::Listener::accept(&mut listener) => conn,
            () = &mut shutdown => break,
        };
        let service = router.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(Peer(addr)));
                req.map(axum::body::Body::new)
            },
        );
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(header_read);
        let conn = builder.serve_connection(
            TokioIo::new(io),
            hyper_util::service::TowerToHyperService::new(service),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("停止时仍有请求未完成，已放弃等待");
    }
    Ok(())
}

/// A connection holding its slot until it closes, and timing out when idle.
pub struct Guarded {
    io: TcpStream,
    _slot: OwnedSemaphorePermit,
    idle: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.timer = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let idle = this.idle;
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "connection idle",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A client that connects and sends nothing is closed after the idle time; the slot
    /// it held is then free for the next.
    #[tokio::test]
    async fn idle_connections_are_closed_and_slots_bounded() {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut l = Bounded::with_limits(tcp, 1, Duration::from_millis(200));
        let _silent = TcpStream::connect(addr).await.unwrap();
        let (mut first, _) = l.accept().await;
        let mut buf = [0u8; 8];
        let err = first.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
        // One slot: the second connection is accepted only once the first is gone.
        let mut second_client = TcpStream::connect(addr).await.unwrap();
        let waiting = tokio::time::timeout(Duration::from_millis(100), l.accept()).await;
        assert!(waiting.is_err(), "accepted beyond the bound");
        drop(first);
        let (mut second, _) = tokio::time::timeout(Duration::from_secs(2), l.accept())
            .await
            .expect("a freed slot is reused");
        second_client.write_all(b"hi").await.unwrap();
        let n = second.read(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hi");
    }

    /// A client trickling its request head a header every 100 ms (each byte resets the
    /// idle timer) is cut off at the head's deadline; a whole request is answered.
    #[tokio::test]
    async fn a_slow_request_head_is_cut_off() {
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let router = axum::Router::new().route(
            "/",
            axum::routing::get(
                |axum::extract::ConnectInfo(Peer(p)): axum::extract::ConnectInfo<Peer>| async move {
                    format!("ok {}", p.ip())
                },
            ),
        );
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(run(
            Bounded::with_limits(tcp, 8, Duration::from_secs(5)),
            router,
            Duration::from_millis(300),
            async {
                let _ = stopped.await;
            },
        ));
        let mut slow = TcpStream::connect(addr).await.unwrap();
        slow.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let started = tokio::time::Instant::now();
        let mut cut = false;
        for i in 0..30 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if slow
                .write_all(format!("X-{i}: y\r\n").as_bytes())
                .await
                .is_err()
            {
                cut = true;
                break;
            }
            let mut buf = [0u8; 256];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(1), slow.read(&mut buf)).await
            {
                // Closed (0) or answered with an error status: either way not served.
                assert!(n == 0 || !String::from_utf8_lossy(&buf[..n]).contains("200 OK"));
                cut = true;
                break;
            }
        }
        assert!(cut, "the trickling client was never cut off");
        assert!(started.elapsed() < Duration::from_secs(2));

        let mut fine = TcpStream::connect(addr).await.unwrap();
        fine.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let mut answer = String::new();
        fine.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("ok 127.0.0.1"), "{answer}");
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
