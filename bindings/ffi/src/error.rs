//! Why this exists: the one place where the core's detailed errors become the few outcomes an app
//! can act on (tell the parent the file type is not supported, that the file is damaged, that it is
//! too large; retry after freeing space; report a bug). Messages are the core's, which by design
//! carry format, part, offset and a static reason, never a path, caption or coordinate.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Why a ShareSafe call failed. Each variant is something the app can act on; the message is safe
/// to log and to show (it never contains a path or anything read from the photo).
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ShareSafeError {
    /// The file is not a format ShareSafe can clean (yet). Tell the parent; share nothing.
    #[error("{0}")]
    UnsupportedFormat(String),
    /// The file is damaged or truncated. Tell the parent; share nothing.
    #[error("{0}")]
    Damaged(String),
    /// The file is over one of the limits that keep a phone's memory and time bounded.
    #[error("{0}")]
    TooLarge(String),
    /// The call was cancelled; nothing was written.
    #[error("{0}")]
    Cancelled(String),
    /// The output file already exists; choose another name. Nothing was written.
    #[error("{0}")]
    OutputExists(String),
    /// Reading or writing failed: storage full, permission denied, the stream closed.
    #[error("{0}")]
    Storage(String),
    /// A bug in ShareSafe (a failed self-check or a panic). Nothing was written; please report it.
    #[error("{0}")]
    Internal(String),
}

impl From<sharesafe_core::Error> for ShareSafeError {
    fn from(e: sharesafe_core::Error) -> Self {
        Self::from(&e)
    }
}

impl From<&sharesafe_core::Error> for ShareSafeError {
    fn from(e: &sharesafe_core::Error) -> Self {
        use sharesafe_core::Error as E;
        let message = e.to_string();
        match e {
            E::Unsupported { .. } => Self::UnsupportedFormat(message),
            E::Malformed { .. } => Self::Damaged(message),
            E::LimitExceeded { .. } => Self::TooLarge(message),
            E::Cancelled => Self::Cancelled(message),
            E::OutputExists => Self::OutputExists(message),
            E::Io { .. } => Self::Storage(message),
            E::Internal(_) => Self::Internal(message),
            // A failed verification is a bug in ShareSafe, never a property of the photo; so is
            // any variant this adapter does not know yet.
            _ => Self::Internal(message),
        }
    }
}

impl ShareSafeError {
    /// What every panic becomes. The panic's own text is not passed on: it could quote data.
    pub(crate) fn panicked() -> Self {
        Self::Internal("internal error in ShareSafe (a bug): nothing was written".to_owned())
    }
}

/// Runs `f`, turning a panic into [`ShareSafeError::Internal`] so the host app never sees a Rust
/// panic (UniFFI's own fallback would raise a generic exception outside our error type).
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, ShareSafeError>) -> Result<T, ShareSafeError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(ShareSafeError::panicked()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sharesafe_core::Error as E;

    #[test]
    fn each_core_error_maps_to_what_an_app_can_act_on() {
        let io = E::Io {
            op: "read input",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(matches!(
            ShareSafeError::from(io),
            ShareSafeError::Storage(_)
        ));
        assert!(matches!(
            ShareSafeError::from(E::Cancelled),
            ShareSafeError::Cancelled(_)
        ));
        assert!(matches!(
            ShareSafeError::from(E::OutputExists),
            ShareSafeError::OutputExists(_)
        ));
        assert!(matches!(
            ShareSafeError::from(E::Unsupported { detected: None }),
            ShareSafeError::UnsupportedFormat(_)
        ));
        let verification = E::VerificationFailed {
            format: sharesafe_core::Format::Png,
            reason: "image data differs from the input's",
        };
        match ShareSafeError::from(verification) {
            ShareSafeError::Internal(m) => assert!(m.contains("verification")),
            other => panic!("verification failure mapped to {other:?}"),
        }
    }

    #[test]
    fn a_panic_becomes_internal() {
        let r: Result<(), _> = guard(|| panic!("boom"));
        match r {
            Err(ShareSafeError::Internal(m)) => assert!(!m.contains("boom")),
            other => panic!("panic mapped to {other:?}"),
        }
    }
}
