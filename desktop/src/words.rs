//! The window's own words for a few of the core's problems, chosen by code: where a control
//! of the window does what the core's advice says, the advice names that control. The
//! catalog words them, so the window says them in its language and the English fields stay
//! the English of those words.

use companion_core::error::{Problem, Words};
use companion_core::installation::Region;
use companion_core::messages::Phrase;

/// The Instances view's fix, which also sets an EU installation's cloud URIs.
const FIX_BUTTON: &str = "window.fix_button";

/// `problem` as the window shows it; `region` is the installation's, for its findings.
pub fn in_window(mut problem: Problem, region: Option<Region>) -> Problem {
    match (problem.code.as_str(), region) {
        ("cloud_communication_off" | "cloud_communication_invalid", _)
        | ("region_uri_mismatch", Some(Region::Eu)) => {
            let fix = Phrase::new(FIX_BUTTON);
            problem.advice = format!("{} {}", problem.advice, fix.say("en"));
            if let Some(words) = &mut problem.words {
                words.advice.push(fix);
            }
            problem
        }
        // The cloud answers 400 "Invalid password." to a wrong password and a wrong code
        // alike (contract §4.3); the window asks for either on the same form.
        ("invalid_password" | "invalid_otp", _) => {
            let key = format!("window.{}", problem.code);
            Problem::worded(
                problem.code.clone(),
                Words {
                    message: vec![Phrase::new(&key).with("message", &problem.message)],
                    advice: vec![Phrase::new(format!("{key}.advice"))],
                },
            )
        }
        _ => problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use companion_core::bitwarden::BitwardenError;
    use companion_core::error::Explain;
    use companion_core::messages::{say_all, text};

    fn problem(code: &str) -> Problem {
        Problem::new(code, "Invalid password.", "Set it and restart the server.")
    }

    /// A problem the core words, standing in for a finding with words.
    fn worded(code: &str) -> Problem {
        Problem::said(
            code,
            Phrase::new("finding.installation_id_not_checked"),
            vec![Phrase::new("finding.installation_id_not_checked.advice")],
        )
    }

    /// The shown problem's English fields are the English of its words.
    fn says_the_same_in_english(shown: &Problem) {
        let words = shown.words.as_ref().expect("the window words it");
        assert_eq!(say_all(&words.message, "en"), shown.message);
        assert_eq!(say_all(&words.advice, "en"), shown.advice);
    }

    #[test]
    fn the_fix_button_is_named_where_it_fixes_the_finding() {
        let fix = text("en", FIX_BUTTON, &[]);
        let off = in_window(problem("cloud_communication_off"), Some(Region::Us));
        assert!(off.advice.ends_with(&fix), "{}", off.advice);
        let eu = in_window(problem("region_uri_mismatch"), Some(Region::Eu));
        assert!(eu.advice.ends_with(&fix), "{}", eu.advice);
        let us = in_window(problem("region_uri_mismatch"), Some(Region::Us));
        assert_eq!(us, problem("region_uri_mismatch"));
    }

    #[test]
    fn the_fix_button_keeps_its_english_and_is_worded_in_chinese_too() {
        assert_eq!(
            text("en", FIX_BUTTON, &[]),
            "The \"Turn cloud communication on\" button of the installation (Instances) does this safely, with a backup."
        );
        let shown = in_window(worded("cloud_communication_invalid"), None);
        says_the_same_in_english(&shown);
        let words = shown.words.unwrap();
        assert_eq!(words.advice.last(), Some(&Phrase::new(FIX_BUTTON)));
        assert!(say_all(&words.advice, "zh-CN")
            .ends_with("“开启云通信”按钮可以安全地完成此操作，并会先做备份。"));
    }

    #[test]
    fn a_refused_password_points_at_the_forms_code_button() {
        let shown = in_window(problem("invalid_password"), None);
        assert_eq!(
            shown.message,
            "Bitwarden cloud did not accept this master password. (Invalid password.)"
        );
        assert_eq!(
            shown.advice,
            "Type the master password of the cloud account (it can differ from the self-hosted account's), or press \"E-mail me a code instead\". Nothing was saved."
        );
        says_the_same_in_english(&shown);
    }

    #[test]
    fn a_refused_code_asks_for_the_newest_one_in_the_windows_language() {
        let refused = BitwardenError::SecretRejected {
            message: "Invalid password.".into(),
            otp: true,
        };
        let shown = in_window(refused.problem(), None);
        assert_eq!(
            shown.message,
            "Bitwarden cloud did not accept this verification code. (Invalid password.)"
        );
        assert_eq!(
            shown.advice,
            "Type the newest code from the e-mail, or press \"E-mail me a code instead\" for a new one. Nothing was saved."
        );
        says_the_same_in_english(&shown);
        let words = shown.words.unwrap();
        assert_eq!(
            say_all(&words.message, "zh-CN"),
            "Bitwarden 云端未接受此验证码。（Invalid password.）"
        );
    }

    #[test]
    fn other_problems_keep_the_cores_words() {
        assert_eq!(in_window(problem("not_found"), None), problem("not_found"));
        assert_eq!(in_window(worded("not_found"), None), worded("not_found"));
    }
}
