//! The one key the companion needs from `bwdata/config.yml` (contract §5.2): `url`, the
//! self-hosted base URL. Setup writes flat `key: value` lines with `#` comment lines above
//! each, so a line reader is enough; quotes and trailing comments are handled.

/// The `url` value and its 1-based line number, if the file sets one.
pub(crate) fn url(text: &str) -> Option<(String, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("url:") else {
            continue;
        };
        let value = scalar(rest.trim());
        return match value.as_str() {
            "" | "~" | "null" => None,
            _ => Some((value, index + 1)),
        };
    }
    None
}

/// A YAML scalar written on one line: quoted (`'...'` with `''`, `"..."` with `\"`) or plain
/// (ending before ` #`).
fn scalar(raw: &str) -> String {
    if let Some(inner) = raw.strip_prefix('\'') {
        return inner[..closing_single(inner)].replace("''", "'");
    }
    if let Some(inner) = raw.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => out.extend(chars.next()),
                other => out.push(other),
            }
        }
        return out;
    }
    let plain = raw.find(" #").map_or(raw, |at| &raw[..at]);
    plain.trim().to_owned()
}

/// Index of the quote closing a single-quoted scalar (`''` is an escaped quote).
fn closing_single(inner: &str) -> usize {
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\'' {
            if bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i;
        }
        i += 1;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn reads_the_plain_url_below_its_comment() {
        let text = "# Full URL for accessing the installation from a browser.\nurl: https://bw.example.test\n# Auto-generate\ngenerate_compose_config: true\n";
        assert_eq!(url(text), Some(("https://bw.example.test".into(), 2)));
    }

    #[test]
    fn strips_quotes_and_trailing_comments() {
        assert_eq!(
            url("url: 'https://a.test' # note\n").map(|u| u.0),
            Some("https://a.test".into())
        );
        assert_eq!(
            url("url: \"https://b.test\"\n").map(|u| u.0),
            Some("https://b.test".into())
        );
        assert_eq!(
            url("url: https://c.test # note\n").map(|u| u.0),
            Some("https://c.test".into())
        );
        assert_eq!(url("url: 'it''s'\n").map(|u| u.0), Some("it's".into()));
    }

    #[test]
    fn commented_indented_or_empty_urls_do_not_count() {
        assert_eq!(url("# url: https://old.test\n"), None);
        assert_eq!(url("nested:\n  url: https://x.test\n"), None);
        assert_eq!(url("url:\n"), None);
        assert_eq!(url("url: null\n"), None);
    }
}
