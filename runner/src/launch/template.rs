use std::path::Path;

use serde_json::Value;

use super::{quote, LaunchError};

/// The largest template read (the shipped ones are a few KiB).
pub const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// A launch template whose every `{{ value }}` is shell-quoted unless marked `| safe`.
///
/// Why: spec values (container names, hparams, paths) come from files a reviewer may not
/// read closely; quoting by default means `'; rm -rf ~; echo '` renders as an inert word.
pub struct Template {
    name: String,
    tera: tera::Tera,
}

impl Template {
    /// Parses `text` as a template called `name` (the name appears in errors).
    pub fn parse(name: &str, text: &str) -> Result<Template, LaunchError> {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(quote);
        // Every name ends with "", so autoescape applies to every template.
        tera.autoescape_on(vec![""]);
        tera.add_raw_template(name, text)
            .map_err(|e| LaunchError::Parse {
                name: name.to_string(),
                message: error_chain(&e),
            })?;
        Ok(Template {
            name: name.to_string(),
            tera,
        })
    }

    /// Reads and parses the template file at `path`.
    pub fn load(path: &Path) -> Result<Template, LaunchError> {
        let read = |source| LaunchError::Read {
            path: path.to_path_buf(),
            source,
        };
        // A regular file of bounded size: a plan file edited by hand could name a FIFO.
        let bytes = repro_lang::read_bounded(path, MAX_TEMPLATE_BYTES).map_err(read)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        Template::parse(&path.display().to_string(), &text)
    }

    /// Renders with `values` (a JSON object); refuses values with a control character.
    ///
    /// Why refuse and not quote: a value also lands in `#SBATCH` directives and comments,
    /// where no quoting helps: a line feed ends the line and the rest runs as a command.
    /// `repro check` refuses such values with their span; this is the last line of defence
    /// for values that come from elsewhere (a hand-edited plan file, the session itself).
    pub fn render(&self, values: &Value) -> Result<String, LaunchError> {
        reject_control("", values)?;
        let context =
            tera::Context::from_value(values.clone()).map_err(|e| self.render_error(&e))?;
        self.tera
            .render(&self.name, &context)
            .map_err(|e| self.render_error(&e))
    }

    fn render_error(&self, e: &tera::Error) -> LaunchError {
        LaunchError::Render {
            name: self.name.clone(),
            message: error_chain(e),
        }
    }
}

/// Tera nests the useful cause ("Variable `x` not found ...") under a generic "Failed to
/// render" message that repeats the name we already print; keep the causes only.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut cause = e.source();
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    if parts.is_empty() {
        parts.push(e.to_string());
    }
    parts.join(": ")
}

fn reject_control(path: &str, value: &Value) -> Result<(), LaunchError> {
    let control = |field: String, character: char| {
        Err(LaunchError::ControlChar {
            field: field.escape_debug().to_string(),
            character,
        })
    };
    let first = |s: &str| s.chars().find(|c| c.is_control());
    match value {
        Value::String(s) => match first(s) {
            Some(c) => control(path.to_string(), c),
            None => Ok(()),
        },
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| reject_control(&format!("{path}[{i}]"), v)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            if let Some(c) = first(k) {
                return control(child, c);
            }
            reject_control(&child, v)
        }),
        _ => Ok(()),
    }
}
