//! The socket side of a connection: security headers on the answers the HTTP library writes
//! by itself.
//!
//! Every answer the service gives passes through the layers and carries the security headers.
//! A few are written by hyper before a request ever reaches the service: 400 for a request it
//! cannot parse, 414 for a target over its own limit (64 KiB), 431 for too many headers. Those
//! carry only a length and a date. [`SecureErrors`] wraps the socket and, when a response head
//! goes out without the headers the layers always add, writes them into it.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use hyper::rt::{Read, ReadBufCursor, Write};

/// The header every answer of the service carries; a head without it is hyper's own.
const MARKER: &[u8] = b"x-content-type-options";

/// The socket `I`, adding the security headers to response heads that lack them.
pub struct SecureErrors<I> {
    inner: I,
    /// An amended head (and whatever followed it in the same write) still being written,
    /// and how many bytes of the caller's buffer it stands for.
    pending: Option<(Vec<u8>, usize, usize)>,
}

impl<I> SecureErrors<I> {
    pub fn new(inner: I) -> SecureErrors<I> {
        SecureErrors { inner, pending: None }
    }
}

/// The security headers as header lines.
fn header_lines() -> Vec<u8> {
    let mut map = axum::http::HeaderMap::new();
    crate::middleware::add_security_headers(&mut map);
    let mut lines = Vec::new();
    for (name, value) in &map {
        lines.extend_from_slice(name.as_str().as_bytes());
        lines.extend_from_slice(b": ");
        lines.extend_from_slice(value.as_bytes());
        lines.extend_from_slice(b"\r\n");
    }
    lines
}

/// `buf` with the security headers added to its response head, when it starts with a head
/// that lacks them.
/// hyper's own answers are a bare head (no body, no content type), well under a kilobyte;
/// nothing else written on a connection is mistaken for one.
fn amend(buf: &[u8]) -> Option<Vec<u8>> {
    if !buf.starts_with(b"HTTP/1.") || buf.len() > 1024 {
        return None;
    }
    let head_end = memchr_find(buf, b"\r\n\r\n")?;
    let head = &buf[..head_end];
    let holds = |name: &[u8]| head.windows(name.len()).any(|w| w.eq_ignore_ascii_case(name));
    if holds(MARKER) || holds(b"content-type") {
        return None;
    }
    let mut amended = Vec::with_capacity(buf.len() + 512);
    amended.extend_from_slice(&buf[..head_end + 2]);
    amended.extend_from_slice(&header_lines());
    amended.extend_from_slice(&buf[head_end + 2..]);
    Some(amended)
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl<I: Write + Unpin> SecureErrors<I> {
    /// Writes what is pending; `Ready(n)` once all of it is out, `n` being the caller's bytes.
    fn drive(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        while let Some((bytes, written, stands_for)) = &mut self.pending {
            if *written == bytes.len() {
                let n = *stands_for;
                self.pending = None;
                return Poll::Ready(Ok(n));
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(error)) => {
                    self.pending = None;
                    return Poll::Ready(Err(error));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(0))
    }
}

impl<I: Read + Unpin> Read for SecureErrors<I> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<I: Write + Unpin> Write for SecureErrors<I> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            match amend(buf) {
                Some(amended) => this.pending = Some((amended, 0, buf.len())),
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        this.drive(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let first = bufs.iter().find(|b| !b.is_empty()).map_or(&[][..], |b| &b[..]);
            if !first.starts_with(b"HTTP/1.") {
                return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
            }
            let joined: Vec<u8> = bufs.iter().flat_map(|b| b.iter().copied()).collect();
            match amend(&joined) {
                Some(amended) => this.pending = Some((amended, 0, joined.len())),
                None => return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
            }
        }
        this.drive(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending.is_some() {
            match this.drive(cx) {
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amends_heads_without_the_headers_only() {
        let own = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n";
        let amended = String::from_utf8(amend(own).unwrap()).unwrap();
        assert!(amended.starts_with("HTTP/1.1 431"));
        assert!(amended.contains("x-content-type-options: nosniff\r\n"));
        assert!(amended.contains("content-security-policy: "));
        assert!(amended.ends_with("\r\n\r\n"));
        let served = b"HTTP/1.1 200 OK\r\nX-Content-Type-Options: nosniff\r\n\r\nbody";
        assert!(amend(served).is_none());
        assert!(amend(b"body bytes").is_none());
    }
}
