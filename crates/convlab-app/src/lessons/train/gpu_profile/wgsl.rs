//! A WGSL file as highlighted lines, for students reading the kernel they just timed: comments,
//! keywords, types, attributes and numbers each get a class, and the lines of one entry point
//! are marked.

use std::ops::Range;

/// What a piece of a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Comment,
    Keyword,
    Type,
    /// `@compute`, `@binding(1)`'s `@binding`, ...
    Attribute,
    Number,
    Plain,
}

impl Kind {
    pub fn class(self) -> &'static str {
        match self {
            Kind::Comment => "wgsl-comment",
            Kind::Keyword => "wgsl-keyword",
            Kind::Type => "wgsl-type",
            Kind::Attribute => "wgsl-attribute",
            Kind::Number => "wgsl-number",
            Kind::Plain => "",
        }
    }
}

const KEYWORDS: &[&str] = &[
    "fn",
    "let",
    "var",
    "const",
    "struct",
    "for",
    "if",
    "else",
    "return",
    "loop",
    "break",
    "continue",
    "while",
    "switch",
    "case",
    "default",
    "uniform",
    "storage",
    "read",
    "read_write",
    "workgroup",
    "select",
];

const TYPES: &[&str] = &[
    "f32", "u32", "i32", "bool", "vec2", "vec3", "vec4", "array", "mat2x2", "mat3x3", "mat4x4",
];

/// `source`'s lines, each as (kind, text) pieces that concatenate back to the line.
pub fn highlight(source: &str) -> Vec<Vec<(Kind, String)>> {
    source.lines().map(highlight_line).collect()
}

fn highlight_line(line: &str) -> Vec<(Kind, String)> {
    let (code, comment) = match line.find("//") {
        Some(at) => line.split_at(at),
        None => (line, ""),
    };
    let mut pieces: Vec<(Kind, String)> = Vec::new();
    let mut push = |kind: Kind, text: &str| match pieces.last_mut() {
        Some((last, joined)) if *last == kind => joined.push_str(text),
        _ => pieces.push((kind, text.to_string())),
    };
    let mut rest = code;
    while let Some(c) = rest.chars().next() {
        let word_len = |s: &str| {
            s.find(|ch: char| !(ch.is_alphanumeric() || ch == '_' || ch == '.'))
                .unwrap_or(s.len())
        };
        let (kind, len) = if c == '@' {
            (Kind::Attribute, 1 + word_len(&rest[1..]))
        } else if c.is_ascii_digit() {
            (Kind::Number, word_len(rest))
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..len];
            let kind = if KEYWORDS.contains(&word) {
                Kind::Keyword
            } else if TYPES.contains(&word) {
                Kind::Type
            } else {
                Kind::Plain
            };
            (kind, len)
        } else {
            (Kind::Plain, c.len_utf8())
        };
        push(kind, &rest[..len]);
        rest = &rest[len..];
    }
    if !comment.is_empty() {
        push(Kind::Comment, comment);
    }
    pieces
}

/// `source` as markup: a `<span class="wgsl-line">` per line (`data-line` its index; the lines in
/// `marked` also of class `wgsl-entry`) holding a span per highlighted piece, the text escaped.
pub fn listing_markup(source: &str, marked: Range<usize>) -> String {
    let mut out = String::with_capacity(source.len() * 3);
    for (i, pieces) in highlight(source).into_iter().enumerate() {
        let entry = if marked.contains(&i) {
            " wgsl-entry"
        } else {
            ""
        };
        out.push_str(&format!(
            "<span class=\"wgsl-line{entry}\" data-line=\"{i}\">"
        ));
        for (kind, text) in pieces {
            let text = escape(&text);
            match kind {
                Kind::Plain => out.push_str(&text),
                _ => out.push_str(&format!("<span class=\"{}\">{text}</span>", kind.class())),
            }
        }
        out.push_str("\n</span>");
    }
    out
}

/// `text` safe inside markup (WGSL has `<` and `&` in types and expressions).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The lines of entry point `entry`: from the attributes above `fn entry(` to the `}` that closes
/// it at the start of a line (how the shaders of `shaders/` are laid out).
pub fn entry_lines(source: &str, entry: &str) -> Option<Range<usize>> {
    let lines: Vec<&str> = source.lines().collect();
    let head = format!("fn {entry}(");
    let start = lines.iter().position(|l| l.starts_with(&head))?;
    let first = (0..start)
        .rev()
        .take_while(|&i| lines[i].starts_with('@'))
        .last()
        .unwrap_or(start);
    let end = (start..lines.len()).find(|&i| lines[i].starts_with('}'))?;
    Some(first..end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_make_the_line_again_with_their_kinds() {
        let line = "@compute @workgroup_size(64) fn relu(i: u32) { let y = 1.5e-3; } // why";
        let pieces = highlight_line(line);
        assert_eq!(
            pieces.iter().map(|(_, t)| t.as_str()).collect::<String>(),
            line
        );
        let kind_of = |text: &str| {
            pieces
                .iter()
                .find(|(_, t)| t.contains(text))
                .map(|(k, _)| *k)
        };
        assert_eq!(kind_of("@compute"), Some(Kind::Attribute));
        assert_eq!(kind_of("@workgroup_size"), Some(Kind::Attribute));
        assert_eq!(kind_of("fn"), Some(Kind::Keyword));
        assert_eq!(kind_of("u32"), Some(Kind::Type));
        assert_eq!(kind_of("1.5e"), Some(Kind::Number));
        assert_eq!(kind_of("// why"), Some(Kind::Comment));
        // An identifier containing a keyword is not one.
        assert_eq!(
            highlight_line("letter")[0],
            (Kind::Plain, "letter".to_string())
        );
    }

    #[test]
    fn the_markup_escapes_the_source_and_marks_the_entry_lines() {
        let markup = listing_markup("fn f() -> vec3<u32> {\n}\n// a & b", 0..2);
        assert!(markup.starts_with("<span class=\"wgsl-line wgsl-entry\" data-line=\"0\">"));
        assert!(markup.contains(
            "<span class=\"wgsl-type\">vec3</span>&lt;<span class=\"wgsl-type\">u32</span>&gt;"
        ));
        assert!(markup.contains("<span class=\"wgsl-line\" data-line=\"2\"><span class=\"wgsl-comment\">// a &amp; b</span>"));
        assert_eq!(markup.matches("wgsl-entry").count(), 2);
    }

    #[test]
    fn an_entry_point_spans_its_attributes_to_its_closing_brace() {
        let source = "fn helper() {\n}\n\n@compute @workgroup_size(64)\nfn relu(\n  x: u32) {\n  if (x > 0u) {\n  }\n}\n";
        assert_eq!(entry_lines(source, "relu"), Some(3..9));
        assert_eq!(entry_lines(source, "helper"), Some(0..2));
        assert_eq!(entry_lines(source, "missing"), None);
    }

    #[test]
    fn every_kernel_of_the_engine_is_found_in_its_file() {
        for shader in convlab_gpu::shaders::Shader::ALL {
            for entry in convlab_gpu::engine::entry_points(shader) {
                let lines = entry_lines(shader.source(), entry);
                assert!(lines.is_some(), "{entry} in {}", shader.name());
            }
        }
    }
}
