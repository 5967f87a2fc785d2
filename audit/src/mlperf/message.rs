//! A compliance failure or warning.

/// One failure or warning.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Message {
    /// The log key the message is about, when it is about one.
    pub key: Option<String>,
    /// The official message's first line, e.g. `CHECK for 'run_stop' failed in line 12:`.
    pub text: String,
    /// What failed: the rule's expression and where it is written, or the offending values.
    pub detail: String,
    /// 1-based line in the result file, when the message is about one line.
    pub file_line: Option<u32>,
}

/// Builds a message.
pub(super) fn message(
    key: Option<&str>,
    text: &str,
    detail: String,
    file_line: Option<u32>,
) -> Message {
    Message {
        key: key.map(str::to_owned),
        text: text.to_owned(),
        detail,
        file_line,
    }
}
