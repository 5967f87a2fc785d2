//! POSIX shell quoting.

/// Characters that never need quoting in a POSIX shell word.
fn is_plain(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '-' | '_' | '.' | '/' | ':' | '=' | '@' | ',' | '+' | '%')
}

/// Quotes `value` so that a POSIX shell reads it back as exactly one word equal to `value`.
///
/// Invariant: `bash -c "printf %s $(quote(v))"` prints `v` for every `v` without a NUL byte
/// (a NUL cannot be part of a shell word at all; [`crate::launch::Template`] rejects such
/// values before rendering). Plain words stay readable (`gpu`, `2e-5`); anything else is
/// wrapped in single quotes, inside which nothing is special except `'` itself, written as
/// `'\''`. A leading `=` or `~` is quoted too, so that no tilde or assignment expansion applies.
pub fn quote(value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(is_plain) && !value.starts_with('=');
    if plain {
        return value.to_string();
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn plain_words_stay_readable() {
        assert_eq!(quote("gpu"), "gpu");
        assert_eq!(quote("2e-5"), "2e-5");
        assert_eq!(
            quote("nvcr.io/nvidia/nemo:24.09"),
            "nvcr.io/nvidia/nemo:24.09"
        );
    }

    #[test]
    fn special_values_are_single_quoted() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote("$(id)"), "'$(id)'");
        assert_eq!(quote("~"), "'~'");
        assert_eq!(quote("=x"), "'=x'");
    }
}
