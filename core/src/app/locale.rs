//! Which of the app's two languages (`en`, `zh-CN`) to speak: the one picked in Settings,
//! else the system locale's. One rule for the window, the tray, notifications and
//! reminders, so they never disagree.

use super::Settings;

/// The language of the locale, in the order gettext reads it (`LANGUAGE`, `LC_ALL`,
/// `LC_MESSAGES`, `LANG`): Simplified Chinese for any `zh` locale, else English.
pub fn system_language(env: impl Fn(&str) -> Option<String>) -> &'static str {
    let locale = ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(env)
        .find(|value| !value.is_empty())
        .unwrap_or_default();
    let first = locale.split(':').next().unwrap_or_default();
    if first.to_ascii_lowercase().starts_with("zh") {
        "zh-CN"
    } else {
        "en"
    }
}

/// The language to speak: the saved choice, else this process's locale.
pub fn language(settings: &Settings) -> String {
    match &settings.language {
        Some(language) => language.clone(),
        None => system_language(|name| std::env::var(name).ok()).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::system_language;

    fn with(vars: &[(&str, &str)]) -> &'static str {
        system_language(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn a_chinese_locale_picks_simplified_chinese() {
        assert_eq!(with(&[("LANG", "zh_CN.UTF-8")]), "zh-CN");
        assert_eq!(
            with(&[("LANG", "en_US.UTF-8"), ("LC_ALL", "zh_TW.UTF-8")]),
            "zh-CN"
        );
    }

    /// With `LANGUAGE=en:zh` the window was English and the tray Chinese.
    #[test]
    fn the_language_list_comes_first_for_tray_and_window_alike() {
        assert_eq!(
            with(&[("LANGUAGE", "en:zh"), ("LANG", "zh_CN.UTF-8")]),
            "en"
        );
        assert_eq!(with(&[("LANGUAGE", ""), ("LANG", "zh_CN.UTF-8")]), "zh-CN");
        assert_eq!(with(&[("LANG", "C.UTF-8")]), "en");
        assert_eq!(with(&[]), "en");
    }
}
