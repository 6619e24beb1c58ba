//! Why this exists: a clean reads and writes whole photos, which must never happen on the app's UI
//! thread. UniFFI lets the foreign side (Kotlin coroutines, Swift tasks, Python asyncio) drive a
//! Rust future, but it polls the future on the caller's thread, so the work itself runs here on a
//! thread of its own and the future only waits for its result. Dropping the future (a cancelled
//! coroutine or task) cancels the work through the call's cancel token, so nothing is published
//! after the caller gave up. No async runtime is needed.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use sharesafe_core::CancelToken;

use crate::error::{guard, ShareSafeError};

/// The slot the worker thread fills and the future reads.
struct Slot<T> {
    result: Option<Result<T, ShareSafeError>>,
    /// Set when the worker thread is gone, with or without a result.
    finished: bool,
    waker: Option<Waker>,
}

/// The result of work running on its own thread.
pub(crate) struct WorkerFuture<T> {
    slot: Arc<Mutex<Slot<T>>>,
    cancel: Option<CancelToken>,
    done: bool,
}

/// Starts `work` on a new thread and returns a future of its result. A panic in `work` becomes
/// [`ShareSafeError::Internal`].
pub(crate) fn run<T: Send + 'static>(
    cancel: Option<CancelToken>,
    work: impl FnOnce() -> Result<T, ShareSafeError> + Send + 'static,
) -> WorkerFuture<T> {
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        finished: false,
        waker: None,
    }));
    let for_thread = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name("sharesafe-worker".to_owned())
        .spawn(move || {
            let result = guard(work);
            // A poisoned lock means the future side panicked while holding it; the result is then
            // unwanted, but the slot is still marked finished so nothing waits forever.
            let mut slot = for_thread.lock().unwrap_or_else(|p| p.into_inner());
            slot.result = Some(result);
            slot.finished = true;
            if let Some(w) = slot.waker.take() {
                w.wake();
            }
        });
    if spawned.is_err() {
        let mut s = slot.lock().unwrap_or_else(|p| p.into_inner());
        s.result = Some(Err(ShareSafeError::Storage(
            "could not start a worker thread".to_owned(),
        )));
        s.finished = true;
    }
    WorkerFuture {
        slot,
        cancel,
        done: false,
    }
}

impl<T> Future for WorkerFuture<T> {
    type Output = Result<T, ShareSafeError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let taken = {
            let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
            match slot.result.take() {
                Some(r) => Some(r),
                None if slot.finished => Some(Err(ShareSafeError::panicked())),
                None => {
                    slot.waker = Some(cx.waker().clone());
                    None
                }
            }
        };
        match taken {
            Some(r) => {
                self.done = true;
                Poll::Ready(r)
            }
            None => Poll::Pending,
        }
    }
}

impl<T> Drop for WorkerFuture<T> {
    fn drop(&mut self) {
        if !self.done {
            if let Some(c) = &self.cancel {
                c.cancel();
            }
        }
    }
}
