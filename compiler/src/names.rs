//! The one grammar for names that become file and folder names, Slurm job names and script
//! comments: run names, plan names (a run name plus its sweep point), lock files, result and
//! run folders, baselines.
//!
//! ```text
//! run name   = first rest*            (at most MAX_NAME_LEN bytes, no `..`)
//! first      = A-Z a-z 0-9 _
//! rest       = first | - | . | +
//! plan name  = run name ( "[" NAME "=" VALUE ( "," NAME "=" VALUE )* "]" )?
//! VALUE      = rest+
//! ```
//!
//! Why one grammar, checked by `repro check`: a name is written into `#SBATCH --job-name`,
//! into the generated script's header comment and into paths. A line break there ends the
//! directive and runs the rest as a command; a `/` or `..` walks out of `results/` or
//! `runs/`. Names that break the grammar are refused, never rewritten: a rewritten name would
//! make two specs collide silently. The runner checks again before it creates a folder, so a
//! record or a plan file edited by hand cannot do what a spec cannot.

/// The longest name accepted, in bytes: a file name is at most 255 bytes on common
/// filesystems, and `.lock`, `.json` and run ids are appended to names.
pub const MAX_NAME_LEN: usize = 200;

/// Why a name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("a name cannot be empty")]
    Empty,
    #[error("the name is {len} bytes long; the limit is {MAX_NAME_LEN}")]
    TooLong { len: usize },
    #[error("the name contains the control character {}", describe_char(*.0))]
    Control(char),
    #[error("the name contains `{0}`, which is not allowed in a name")]
    Char(char),
    #[error("the name starts with `{0}`; a name starts with a letter, a digit or `_`")]
    First(char),
    #[error("the name contains `..`")]
    DotDot,
    #[error("the sweep suffix `{0}` is not `[NAME=VALUE,...]`")]
    Suffix(String),
}

/// Checks a run name (see the module doc).
pub fn check_run_name(name: &str) -> Result<(), NameError> {
    check_common(name)?;
    match name.chars().find(|c| !is_rest(*c)) {
        Some(c) => Err(NameError::Char(c)),
        None => Ok(()),
    }
}

/// Checks a plan name: a run name, optionally with the `[name=value,...]` of a sweep point.
pub fn check_plan_name(name: &str) -> Result<(), NameError> {
    check_common(name)?;
    let Some(open) = name.find('[') else {
        return check_run_name(name);
    };
    check_run_name(&name[..open])?;
    let suffix = &name[open..];
    let bad = || NameError::Suffix(suffix.to_string());
    let inner = suffix
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .ok_or_else(bad)?;
    for pair in inner.split(',') {
        let (key, value) = pair.split_once('=').ok_or_else(bad)?;
        let key_ok = key.chars().next().is_some_and(is_first)
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let value_ok = !value.is_empty() && value.chars().all(is_rest);
        if !key_ok || !value_ok {
            return Err(match pair.chars().find(|c| !is_rest(*c) && *c != '=') {
                Some(c) => NameError::Char(c),
                None => bad(),
            });
        }
    }
    Ok(())
}

/// What every name obeys: not empty, not too long, no control character, no `..`, a plain
/// first character.
fn check_common(name: &str) -> Result<(), NameError> {
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(NameError::Control(c));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(NameError::TooLong { len: name.len() });
    }
    if name.contains("..") {
        return Err(NameError::DotDot);
    }
    match name.chars().next() {
        Some(c) if !is_first(c) => Err(NameError::First(c)),
        _ => Ok(()),
    }
}

fn is_first(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_rest(c: char) -> bool {
    is_first(c) || matches!(c, '-' | '.' | '+')
}

/// `U+000A (line feed)`: how a control character is named in messages, never printed raw.
pub fn describe_char(c: char) -> String {
    let name = match c {
        '\n' => " (line feed)",
        '\r' => " (carriage return)",
        '\0' => " (NUL)",
        '\t' => " (tab)",
        '\u{1b}' => " (escape)",
        _ => "",
    };
    format!("U+{:04X}{name}", c as u32)
}

/// The first control character in `text` (C0, DEL and C1): none of them belongs in a
/// value that is written into a script, a directive, a comment or a file name.
pub fn first_control(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|(_, c)| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_names() {
        for ok in [
            "gpt3-512xh200",
            "smoke-local",
            "a",
            "_x",
            "v1.2+cu12",
            "9lives",
        ] {
            assert_eq!(check_run_name(ok), Ok(()), "{ok}");
        }
        assert_eq!(check_run_name(""), Err(NameError::Empty));
        assert_eq!(check_run_name("a/b"), Err(NameError::Char('/')));
        assert_eq!(check_run_name("../../escape"), Err(NameError::DotDot));
        assert_eq!(check_run_name("a..b"), Err(NameError::DotDot));
        assert_eq!(check_run_name(".hidden"), Err(NameError::First('.')));
        assert_eq!(check_run_name("-x"), Err(NameError::First('-')));
        assert_eq!(
            check_run_name("inj\ntouch /tmp/pwned # "),
            Err(NameError::Control('\n'))
        );
        assert_eq!(check_run_name("a b"), Err(NameError::Char(' ')));
        assert_eq!(check_run_name("a\\b"), Err(NameError::Char('\\')));
        assert_eq!(check_run_name("a[x=1]"), Err(NameError::Char('[')));
        let long = "a".repeat(MAX_NAME_LEN + 1);
        assert_eq!(
            check_run_name(&long),
            Err(NameError::TooLong {
                len: MAX_NAME_LEN + 1
            })
        );
    }

    #[test]
    fn plan_names() {
        for ok in [
            "gpt3-h200",
            "gpt3-h200[nodes=64]",
            "gpt3-h200[nodes=64,opt_base_learning_rate=2e-5]",
            "x[n=-1]",
        ] {
            assert_eq!(check_plan_name(ok), Ok(()), "{ok}");
        }
        assert!(check_plan_name("x[nodes=a/b]").is_err());
        assert!(check_plan_name("x[nodes=..]").is_err());
        assert!(check_plan_name("x[nodes=]").is_err());
        assert!(check_plan_name("x[=1]").is_err());
        assert!(check_plan_name("x[n=1").is_err());
        assert!(check_plan_name("x[n=1]y").is_err());
        assert!(check_plan_name("x[n=a b]").is_err());
        assert!(check_plan_name("/etc/passwd").is_err());
    }
}
