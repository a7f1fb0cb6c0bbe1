//! Finds English left in a window that should speak Simplified Chinese: any run of three or
//! more English words, once IDs, URLs, email addresses, acronyms and the given names (an
//! organization's, an instance's) are set aside.

/// The English sentences in `shown`, each as found. `names` are taken out first: they are
/// the person's own words (an instance name, an organization name) and stay as written.
pub fn english_sentences(shown: &str, names: &[&str]) -> Vec<String> {
    let mut text = shown.to_owned();
    for name in names.iter().filter(|name| !name.is_empty()) {
        text = text.replace(name, " · ");
    }
    let mut found = Vec::new();
    for line in text.lines() {
        // A run is what lies between non-ASCII characters: Chinese ends an English run.
        for run in line.split(|c: char| !c.is_ascii()) {
            let mut words = Vec::new();
            for token in run.split_whitespace() {
                if is_word(token) {
                    words.push(token);
                    continue;
                }
                if words.len() >= 3 {
                    found.push(words.join(" "));
                }
                words.clear();
            }
            if words.len() >= 3 {
                found.push(words.join(" "));
            }
        }
    }
    found
}

/// An English word: letters (a trailing comma, full stop or colon allowed), not an acronym
/// such as SSO or SCIM, not part of a URL, an address or an ID.
fn is_word(token: &str) -> bool {
    let bare = token.trim_end_matches([',', '.', ':', ';', '!', '?', ')', '"']);
    let bare = bare.trim_start_matches(['(', '"']);
    bare.len() >= 2
        && bare.chars().all(|c| c.is_ascii_alphabetic() || c == '\'')
        && !bare.chars().all(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_sentence_among_chinese_is_found() {
        let shown = "检查\n✓ 通过 The token is valid.\n组织 Acme Corp";
        assert_eq!(
            english_sentences(shown, &["Acme Corp"]),
            ["The token is valid."]
        );
    }

    #[test]
    fn names_ids_urls_and_acronyms_are_not_sentences() {
        let shown = "实例 Office vault · https://vault.example.com/api/x 许可证 \
                     0f0f0f0f-0000-4000-8000-000000000001 owner@example.com SSO, SCIM, API \
                     Acme Corp Teams Organization";
        assert!(
            english_sentences(shown, &["Office vault", "Acme Corp Teams Organization"]).is_empty()
        );
    }

    #[test]
    fn two_english_words_are_a_name_not_a_sentence() {
        assert!(english_sentences("计划 Enterprise Annually", &[]).is_empty());
        assert_eq!(
            english_sentences("计划 Enterprise (Annually) plan 年付", &[]),
            ["Enterprise (Annually) plan"]
        );
    }
}
