//! The desktop notification after an automatic renewal: what was applied, or why nothing
//! was and what to do, in the app's language. Up-to-date licenses raise nothing.

use super::alerts::Notice;
use super::messages::text;
use crate::bitwarden::UploadTarget;
use crate::renewal::{Reason, Renewal, RenewalResult, Stop};

/// The notice for one renewal of a license on `instance`, if it needs one.
pub fn notice(renewal: &Renewal, instance: &str, language: &str) -> Option<Notice> {
    let zh = language.starts_with("zh");
    let who = match (renewal.target, zh) {
        (UploadTarget::Organization(_), _) => renewal.name.clone(),
        (UploadTarget::Premium, false) => format!("Premium ({})", renewal.name),
        (UploadTarget::Premium, true) => format!("高级版（{}）", renewal.name),
    };
    match &renewal.result {
        RenewalResult::UpToDate { .. } | RenewalResult::WouldRenew { .. } => None,
        RenewalResult::Renewed { reasons, .. } => {
            let what: Vec<String> = reasons.iter().map(|r| reason(r, zh)).collect();
            Some(if zh {
                Notice {
                    title: format!("许可证已自动更新：{who}"),
                    body: format!("{instance}：{}。旧许可证已存档。", what.join("；")),
                }
            } else {
                Notice {
                    title: format!("License renewed: {who}"),
                    body: format!(
                        "{instance}: {}. The previous license is kept in the archive.",
                        what.join("; ")
                    ),
                }
            })
        }
        RenewalResult::Stopped { stop } => Some(if zh {
            Notice {
                title: format!("许可证未自动更新：{who}"),
                body: format!("{instance}：{}", stop_zh(stop)),
            }
        } else {
            Notice {
                title: format!("License not renewed: {who}"),
                body: format!("{instance}: {stop} {}", stop.action()),
            }
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

fn reason(reason: &Reason, zh: bool) -> String {
    if !zh {
        return reason.to_string();
    }
    let count = |n: &Option<i64>| n.map_or_else(|| "不限".to_owned(), |n| n.to_string());
    let day = |t: &Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_owned(), |t| t.format("%Y-%m-%d").to_string())
    };
    match reason {
        Reason::LaterExpiry { current, new } => {
            format!("到期 {} → {}", day(current), day(&Some(*new)))
        }
        Reason::Seats { current, new } => format!("席位 {} → {}", count(current), count(new)),
        Reason::Collections { current, new } => {
            format!("集合 {} → {}", count(current), count(new))
        }
        Reason::Plan { current, new } => format!(
            "方案 {} → {}",
            current.as_deref().unwrap_or("-"),
            new.as_deref().unwrap_or("-")
        ),
        Reason::Feature { label, on } => {
            format!("{label}：{}", if *on { "开启" } else { "关闭" })
        }
        Reason::TokenExpires { current, .. } => {
            format!("令牌将于 {} 失效", current.format("%Y-%m-%d"))
        }
        Reason::NotPremium => "服务器上的账户尚无高级版".to_owned(),
        Reason::NoCopyInForce => "本机没有生效许可证的副本可供比较".to_owned(),
    }
}

fn stop_zh(stop: &Stop) -> String {
    match stop {
        Stop::InstallationUnknown => {
            "不知道服务器的安装 ID。请在“实例”中填写 bwdata 文件夹。".into()
        }
        Stop::NoCloudLink | Stop::AnotherOrganization => {
            "无法确定它属于哪个云组织。请手动上传一次正确的许可证。".into()
        }
        Stop::NotOwnedInCloud { .. } => {
            "已登录的云账户不是该云组织的所有者。请以所有者身份登录 Bitwarden 云。".into()
        }
        Stop::CloudRefused { message } => {
            format!("Bitwarden 云未提供许可证（{message}）。请在云网页密码库的“计费”中检查订阅。")
        }
        Stop::ExpiresEarlier { .. } => "云端许可证比当前许可证更早到期。请检查后手动上传。".into(),
        Stop::Downgrade { losses } => format!(
            "云端许可证会减少内容（{}）。请检查后手动上传。",
            losses.join("；")
        ),
        Stop::WouldBeRefused { message } | Stop::Refused { message } => {
            format!("服务器会拒绝该许可证（{message}）。请在应用中打开许可证查看各项检查。")
        }
        Stop::Unanswered { .. } | Stop::NoAnswer { .. } => {
            "上一次发送没有收到服务器的答复，许可证可能已生效。请先在服务器上检查，不会自动重发。"
                .into()
        }
        Stop::Failed { problem } => format!("检查失败（{}）", problem.code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(zh.body.contains("请检查后手动上传"), "{}", zh.body);
        let quiet = family(RenewalResult::UpToDate { expires: None });
        assert!(notice(&quiet, "Office vault", "en").is_none());
    }
}
