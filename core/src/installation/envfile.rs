//! Reading `global.override.env` and Lite's `settings.env` the way Bitwarden's Setup reads
//! them (contract §5.1): the first line starting with `KEY=` wins, surrounding `"` are
//! stripped and `\"` unescaped; `#` lines and blank lines are ignored. A UTF-8 BOM and CRLF
//! line endings are accepted because editors on Windows add them.
//!
//! Values of this file include database passwords and the installation key, so nothing here
//! implements `Debug` or prints a value: callers pick the few values they need.

use super::error::InstallationError;

/// Files larger than this are not environment files (the installer writes about 2 KB).
pub(crate) const MAX_BYTES: usize = 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One line of the file as bytes: where its content starts and ends, and where the line
/// (with its `\n` or `\r\n`) ends. Shared with the writer so both agree on line numbers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub content_end: usize,
    pub end: usize,
}

/// Splits `bytes` (BOM included) into lines; the BOM is not part of line 1's content.
pub(crate) fn split_lines(bytes: &[u8]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    while start < bytes.len() {
        let (content_end, end) = match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(offset) => {
                let newline = start + offset;
                let content_end = if newline > start && bytes[newline - 1] == b'\r' {
                    newline - 1
                } else {
                    newline
                };
                (content_end, newline + 1)
            }
            None => (bytes.len(), bytes.len()),
        };
        spans.push(Span {
            start,
            content_end,
            end,
        });
        start = end;
    }
    spans
}

/// A `KEY=VALUE` line.
pub(crate) struct Entry {
    pub key: String,
    /// The value as Setup sees it: surrounding quotes stripped, `\"` unescaped.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
    /// The value opens a quote it never closes (or closes one it never opened).
    pub unbalanced_quote: bool,
}

/// Why a non-blank, non-comment line is not a setting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// No `=` at all.
    NoEquals,
    /// Nothing before the `=`.
    EmptyKey,
    /// Spaces in or around the key (`KEY = value`), which Setup's `KEY=` match never finds.
    SpaceInKey,
}

/// A parsed environment file.
pub(crate) struct EnvFile {
    pub path: String,
    pub entries: Vec<Entry>,
    pub malformed: Vec<(usize, Malformed)>,
    /// Commented-out settings (`#KEY=...`), by key, with their line numbers.
    pub commented: Vec<(String, usize)>,
}

impl EnvFile {
    /// Parses the bytes of the file at `path` (used in messages only).
    pub fn parse(path: &str, bytes: &[u8]) -> Result<Self, InstallationError> {
        if bytes.len() > MAX_BYTES {
            return Err(InstallationError::TooLarge {
                path: path.to_owned(),
                limit: MAX_BYTES,
            });
        }
        if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
            return Err(InstallationError::NotText {
                path: path.to_owned(),
            });
        }
        let mut file = EnvFile {
            path: path.to_owned(),
            entries: Vec::new(),
            malformed: Vec::new(),
            commented: Vec::new(),
        };
        for (index, span) in split_lines(bytes).iter().enumerate() {
            let number = index + 1;
            // Checked above: the whole file is UTF-8 and spans split at ASCII bytes.
            let text = std::str::from_utf8(&bytes[span.start..span.content_end]).unwrap_or("");
            file.read_line(number, text);
        }
        if file.entries.is_empty() {
            return Err(InstallationError::Empty {
                path: path.to_owned(),
            });
        }
        Ok(file)
    }

    fn read_line(&mut self, number: usize, text: &str) {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return;
        }
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some((key, _)) = comment.trim_start().split_once('=') {
                if !key.is_empty() && !key.contains(char::is_whitespace) {
                    self.commented.push((key.to_owned(), number));
                }
            }
            return;
        }
        let Some((key, raw)) = text.split_once('=') else {
            self.malformed.push((number, Malformed::NoEquals));
            return;
        };
        if key.trim().is_empty() {
            self.malformed.push((number, Malformed::EmptyKey));
        } else if key.contains(char::is_whitespace) {
            self.malformed.push((number, Malformed::SpaceInKey));
        } else {
            self.entries.push(Entry {
                key: key.to_owned(),
                value: unquote(raw),
                line: number,
                unbalanced_quote: unbalanced(raw),
            });
        }
    }

    /// The entry Setup would use for `key`: the first line starting with `KEY=`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }

    /// Later lines for a key already set earlier: `(key, first line, ignored line)`.
    pub fn duplicates(&self) -> Vec<(&str, usize, usize)> {
        let mut found = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            if let Some(first) = self.entries[..index].iter().find(|e| e.key == entry.key) {
                found.push((entry.key.as_str(), first.line, entry.line));
            }
        }
        found
    }
}

/// Setup's reading of a value: surrounding double quotes stripped, `\"` unescaped. Single
/// quotes (which docker compose also strips in Lite's settings.env) are stripped as a pair.
fn unquote(raw: &str) -> String {
    if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
        return raw[1..raw.len() - 1].to_owned();
    }
    raw.trim_matches('"').replace("\\\"", "\"")
}

fn unbalanced(raw: &str) -> bool {
    let opens = raw.starts_with('"');
    let closes = raw.len() >= 2 && raw.ends_with('"') && !raw.ends_with("\\\"");
    opens != closes || raw == "\""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> EnvFile {
        match EnvFile::parse("test.env", text.as_bytes()) {
            Ok(file) => file,
            Err(e) => panic!("parse failed: {e}"),
        }
    }

    #[test]
    fn first_key_line_wins_and_later_ones_are_reported() {
        let file = parse("A=1\nB=2\nA=3\n");
        assert_eq!(file.get("A").map(|e| e.value.as_str()), Some("1"));
        assert_eq!(file.duplicates(), vec![("A", 1, 3)]);
    }

    #[test]
    fn quoted_connection_string_is_unescaped_like_setup() {
        let file = parse("C=\"Data Source=x;Password=\\\"p;w=1\\\";Encrypt=True\"\n");
        let entry = file.get("C").expect("entry");
        assert_eq!(entry.value, "Data Source=x;Password=\"p;w=1\";Encrypt=True");
        assert!(!entry.unbalanced_quote);
    }

    #[test]
    fn bom_and_crlf_do_not_leak_into_keys_or_values() {
        let file = parse("\u{feff}A=1\r\nB=two\r\n");
        assert_eq!(file.get("A").map(|e| e.value.as_str()), Some("1"));
        assert_eq!(file.get("B").map(|e| e.value.as_str()), Some("two"));
    }

    #[test]
    fn comments_blank_lines_and_malformed_lines_are_told_apart() {
        let file = parse("# note\n\n#X=1\nJUNK\n=v\nK = v\nOK=1\n");
        assert_eq!(file.commented, vec![("X".to_owned(), 3)]);
        assert!(
            file.malformed
                == vec![
                    (4, Malformed::NoEquals),
                    (5, Malformed::EmptyKey),
                    (6, Malformed::SpaceInKey)
                ]
        );
        assert_eq!(file.entries.len(), 1);
    }

    #[test]
    fn split_lines_keeps_endings_outside_the_content() {
        let bytes = b"\xEF\xBB\xBFa\r\nb\nc";
        let spans = split_lines(bytes);
        let contents: Vec<&[u8]> = spans
            .iter()
            .map(|s| &bytes[s.start..s.content_end])
            .collect();
        assert_eq!(contents, vec![&b"a"[..], b"b", b"c"]);
        assert_eq!(spans[0].end, 6);
        assert_eq!(spans[2].end, bytes.len());
    }

    #[test]
    fn installer_connection_string_keeps_its_inner_quotes_and_equals_signs() {
        let bytes = include_bytes!(
            "../../../tests/data/installation/standard/bwdata/env/global.override.env"
        );
        let file = EnvFile::parse("global.override.env", bytes).expect("installer output parses");
        let entry = file
            .get("globalSettings__sqlServer__connectionString")
            .expect("present");
        assert_eq!(entry.line, 3);
        assert_eq!(
            entry.value,
            "Data Source=tcp:mssql,1433;Initial Catalog=vault;Persist Security Info=False;User ID=sa;Password=\"FAKE-db;pass=word\";Multiple Active Result Sets=False;Connect Timeout=30;Encrypt=True;Trust Server Certificate=True"
        );
        assert!(file.malformed.is_empty() && file.duplicates().is_empty());
        assert_eq!(file.entries.len(), 22);
    }
}
