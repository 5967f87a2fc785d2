use serde::ser::SerializeStruct;
use serde::Serialize;

use crate::span::Span;

/// A name such as `nodes` or `opt_base_learning_rate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    /// A boxed `str`, not a `String`: an identifier is never extended, and a field's
    /// statement holds one or two (#14).
    pub name: Box<str>,
    pub span: Span,
}

/// A dotted name such as `mlperf.training.gpt3` or `value.FID`; at least one segment.
///
/// A name of one segment (every `name = value` of a block) is held inline, with no heap
/// block: a vector of one `Ident` was 32 bytes a field for the 490,000 fields of a 10 MB
/// spec (#14). A dotted name is its slice of segments and its span's two offsets (the file
/// is the first segment's), with no box around them. Both forms fit in 32 bytes: the dotted
/// one lives beside the niche of the single one's name pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path(Segments);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segments {
    /// One segment whose span is the path's.
    One(Ident),
    Dotted(Dotted),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Dotted {
    /// At least one.
    segments: Box<[Ident]>,
    start: u32,
    end: u32,
}

impl Path {
    /// A path of `segments` (at least one) written at `span`.
    pub fn new(mut segments: Vec<Ident>, span: Span) -> Path {
        debug_assert!(!segments.is_empty(), "a path has a segment");
        if segments.is_empty() {
            // Never built so: the grammar's `path` has an `ident`.
            segments.push(Ident {
                name: "".into(),
                span,
            });
        }
        if segments.len() == 1 && segments[0].span == span {
            if let Some(one) = segments.pop() {
                return Path(Segments::One(one));
            }
        }
        debug_assert_eq!(segments[0].span.file, span.file);
        Path(Segments::Dotted(Dotted {
            segments: segments.into_boxed_slice(),
            start: span.start,
            end: span.end,
        }))
    }

    /// A single name.
    pub fn single(ident: Ident) -> Path {
        Path(Segments::One(ident))
    }

    pub fn segments(&self) -> &[Ident] {
        match &self.0 {
            Segments::One(one) => std::slice::from_ref(one),
            Segments::Dotted(d) => &d.segments,
        }
    }

    pub fn span(&self) -> Span {
        match &self.0 {
            Segments::One(one) => one.span,
            Segments::Dotted(d) => Span {
                file: d.segments[0].span.file,
                start: d.start,
                end: d.end,
            },
        }
    }

    /// The segments joined with `.`.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments().iter().map(|s| &*s.name).collect();
        names.join(".")
    }

    /// The single segment, if the path has exactly one.
    pub fn as_single(&self) -> Option<&Ident> {
        match self.segments() {
            [only] => Some(only),
            _ => None,
        }
    }
}

/// As the struct `{ segments, span }` it was: the syntax tree's JSON does not show how a
/// path is held.
impl Serialize for Path {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Path", 2)?;
        s.serialize_field("segments", self.segments())?;
        s.serialize_field("span", &self.span())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::FileId;

    fn ident(name: &str, start: usize) -> Ident {
        Ident {
            name: name.into(),
            span: Span::new(FileId(0), start, start + name.len()),
        }
    }

    #[test]
    fn one_and_many_segments_read_back_as_written() {
        let one = Path::new(vec![ident("nodes", 4)], Span::new(FileId(0), 4, 9));
        assert_eq!(one.segments(), &[ident("nodes", 4)]);
        assert_eq!(one.span(), Span::new(FileId(0), 4, 9));
        assert_eq!(one.as_single().map(|i| &*i.name), Some("nodes"));
        let dotted = Path::new(
            vec![ident("hardware", 0), ident("nodes", 9)],
            Span::new(FileId(0), 0, 14),
        );
        assert_eq!(dotted.dotted(), "hardware.nodes");
        assert_eq!(dotted.span(), Span::new(FileId(0), 0, 14));
        assert!(dotted.as_single().is_none());
        // One segment whose span is not the path's keeps the path's span.
        let odd = Path::new(vec![ident("x", 1)], Span::new(FileId(0), 0, 3));
        assert_eq!(odd.span(), Span::new(FileId(0), 0, 3));
        assert_eq!(odd.segments(), &[ident("x", 1)]);
        assert_eq!(std::mem::size_of::<Path>(), 32);
    }

    #[test]
    fn serializes_as_the_struct_it_was() {
        let one = Path::new(vec![ident("a", 0)], Span::new(FileId(0), 0, 1));
        let json = serde_json::to_value(&one).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "segments": [{"name": "a", "span": serde_json::to_value(Span::new(FileId(0), 0, 1)).unwrap()}],
                "span": serde_json::to_value(Span::new(FileId(0), 0, 1)).unwrap(),
            })
        );
    }
}
