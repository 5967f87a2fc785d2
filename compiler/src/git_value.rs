//! [`GitValue`]: what `git(url, ref = ...)` evaluates to, before it is resolved.

/// A `git(...)` source as written: its URL and ref, not yet resolved to a commit. Boxed in
/// [`crate::value::Value::Git`], so that every value of a list of millions of numbers does not
/// pay for two strings (#14).
#[derive(Debug, Clone, PartialEq)]
pub struct GitValue {
    pub url: String,
    pub reference: String,
}
