//! The desktop notification after an automatic renewal: what was applied, or why nothing
//! was and what to do, in the app's language. Up-to-date licenses raise nothing.

use super::alerts::Notice;
use crate::bitwarden::UploadTarget;
use crate::messages::text;
use crate::renewal::{Renewal, RenewalResult};

/// The notice for one renewal of a license on `instance`, if it needs one.
pub fn notice(renewal: &Renewal, instance: &str, language: &str) -> Option<Notice> {
    let who = match renewal.target {
        UploadTarget::Organization(_) => renewal.name.clone(),
        UploadTarget::Premium => text(
            language,
            "notice.renewed.premium",
            &[("name", &renewal.name)],
        ),
    };
    match &renewal.result {
        RenewalResult::UpToDate { .. } | RenewalResult::WouldRenew { .. } => None,
        RenewalResult::Renewed { reasons, .. } => {
            let changes: Vec<String> = reasons.iter().map(|r| r.describe(language)).collect();
            let changes = changes.join(&text(language, "list.separator", &[]));
            Some(Notice {
                title: text(language, "notice.renewed.title", &[("who", &who)]),
                body: text(
                    language,
                    "notice.renewed.body",
                    &[("instance", instance), ("changes", &changes)],
                ),
            })
        }
        RenewalResult::Stopped { stop } => Some(Notice {
            title: text(language, "notice.notRenewed.title", &[("who", &who)]),
            body: text(
                language,
                "notice.notRenewed.body",
                &[
                    ("instance", instance),
                    ("reason", &stop.describe(language)),
                    ("action", &stop.action(language)),
                ],
            ),
        }),
    }
}

/// Automatic renewal is switched on but no cloud account is signed in.
pub fn cloud_signed_out(language: &str) -> Notice {
    Notice {
        title: text(language, "notice.renewalSignedOut.title", &[]),
        body: text(language, "notice.renewalSignedOut.body", &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::renewal::{Reason, Stop};

    fn family(result: RenewalResult) -> Renewal {
        Renewal {
            target: UploadTarget::Organization(uuid::Uuid::from_u128(4)),
            name: "Acme Family".into(),
            cloud_organization: None,
            result,
        }
    }

    #[test]
    fn a_renewal_names_the_organization_the_server_and_what_changed() {
        let renewed = family(RenewalResult::Renewed {
            reasons: vec![Reason::Seats {
                current: Some(6),
                new: Some(8),
            }],
            changes: Vec::new(),
            archived_replaced: None,
            archived_new: "x-applied.json".into(),
        });
        let en = notice(&renewed, "Office vault", "en").unwrap();
        assert_eq!(en.title, "License renewed: Acme Family");
        assert_eq!(
            en.body,
            "Office vault: seats 6 -> 8. The previous license is kept in the archive."
        );
        let zh = notice(&renewed, "Office vault", "zh-CN").unwrap();
        assert_eq!(zh.title, "许可证已自动更新：Acme Family");
        assert_eq!(zh.body, "Office vault：席位 6 → 8。旧许可证已存档。");
    }

    #[test]
    fn a_stop_says_why_and_what_to_do_and_up_to_date_says_nothing() {
        let stopped = family(RenewalResult::Stopped {
            stop: Stop::Downgrade {
                losses: vec!["Seats 6 -> 3".into()],
            },
        });
        let en = notice(&stopped, "Office vault", "en").unwrap();
        assert_eq!(en.title, "License not renewed: Acme Family");
        assert!(en.body.contains("Seats 6 -> 3"), "{}", en.body);
        assert!(en.body.contains("upload it yourself"), "{}", en.body);
        let zh = notice(&stopped, "Office vault", "zh-CN").unwrap();
        assert!(zh.body.contains("手动上传"), "{}", zh.body);
        assert!(zh.body.contains("Seats 6 -> 3"), "{}", zh.body);
        let quiet = family(RenewalResult::UpToDate { expires: None });
        assert!(notice(&quiet, "Office vault", "en").is_none());
    }
}
