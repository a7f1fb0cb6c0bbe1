//! The window's own words for a few of the core's problems, chosen by code: where a control
//! of the window does what the core's advice says, the advice names that control.

use companion_core::error::Problem;
use companion_core::installation::Region;
use companion_core::messages::Phrase;

/// The Instances view's fix, which also sets an EU installation's cloud URIs.
const FIX_BUTTON: &str = "installation.fixAdvice";

/// `problem` as the window shows it; `region` is the installation's, for its findings.
pub fn in_window(mut problem: Problem, region: Option<Region>) -> Problem {
    match (problem.code.as_str(), region) {
        ("cloud_communication_off" | "cloud_communication_invalid", _)
        | ("region_uri_mismatch", Some(Region::Eu)) => {
            let fix = Phrase::new(FIX_BUTTON);
            problem.advice = format!("{} {}", problem.advice, fix.say("en"));
            if let Some(words) = problem.words.as_mut() {
                words.advice.push(fix);
            }
        }
        // The cloud answers 400 "Invalid password." to a wrong password and a wrong code
        // alike (contract §4.3); the window asks for either on the same form.
        ("invalid_password", _) => {
            problem.message = format!(
                "Bitwarden cloud did not accept this master password. ({})",
                problem.message
            );
            problem.advice = "Type the master password of the cloud account (it can differ from the self-hosted account's), or press \"E-mail me a code instead\". Nothing was saved.".into();
        }
        ("invalid_otp", _) => {
            problem.message = format!(
                "Bitwarden cloud did not accept this verification code. ({})",
                problem.message
            );
            problem.advice = "Type the newest code from the e-mail, or press \"E-mail me a code instead\" for a new one. Nothing was saved.".into();
        }
        _ => {}
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;
    use companion_core::error::Words;
    use companion_core::messages::say_all;

    fn problem(code: &str) -> Problem {
        Problem::new(code, "Invalid password.", "Set it and restart the server.")
    }

    #[test]
    fn the_fix_button_is_named_where_it_fixes_the_finding() {
        let button = Phrase::new(FIX_BUTTON).say("en");
        let off = in_window(problem("cloud_communication_off"), Some(Region::Us));
        assert!(off.advice.ends_with(&button), "{}", off.advice);
        let eu = in_window(problem("region_uri_mismatch"), Some(Region::Eu));
        assert!(eu.advice.ends_with(&button), "{}", eu.advice);
        let us = in_window(problem("region_uri_mismatch"), Some(Region::Us));
        assert_eq!(us, problem("region_uri_mismatch"));
    }

    #[test]
    fn a_worded_finding_names_the_fix_button_in_either_language() {
        let words = Words {
            message: vec![
                Phrase::new("installation.finding.cloud_communication_off.unset")
                    .with("key", "globalSettings__enableCloudCommunication")
                    .with("path", "/opt/bitwarden/bwdata/env/global.override.env"),
            ],
            advice: vec![
                Phrase::new("installation.finding.cloud_communication.advice.standard")
                    .with("key", "globalSettings__enableCloudCommunication")
                    .with("path", "/opt/bitwarden/bwdata/env/global.override.env"),
            ],
        };
        let shown = in_window(
            Problem::worded("cloud_communication_off", words),
            Some(Region::Us),
        );
        let words = shown.words.as_deref().expect("still worded");
        assert_eq!(say_all(&words.advice, "en"), shown.advice);
        let chinese = say_all(&words.advice, "zh-CN");
        assert!(
            chinese.ends_with(&Phrase::new(FIX_BUTTON).say("zh-CN")),
            "{chinese}"
        );
    }

    #[test]
    fn a_refused_password_points_at_the_forms_code_button() {
        let shown = in_window(problem("invalid_password"), None);
        assert_eq!(
            shown.message,
            "Bitwarden cloud did not accept this master password. (Invalid password.)"
        );
        assert!(shown.advice.contains("E-mail me a code instead"));
    }

    #[test]
    fn other_problems_keep_the_cores_words() {
        assert_eq!(in_window(problem("not_found"), None), problem("not_found"));
    }
}
