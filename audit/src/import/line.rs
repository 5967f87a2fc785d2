//! `Line`: one line of an imported spec block.

/// One spec line (`gpu = "..."`) or a comment, in the order they are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// `field = value`, with an optional trailing comment.
    Field(String, String, Option<String>),
    /// `# text`.
    Comment(String),
}
