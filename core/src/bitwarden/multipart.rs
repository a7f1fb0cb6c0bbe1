//! The license upload body, built by hand so its exact size is known before sending: the
//! server treats the license as missing when the whole request body is over 51,200 bytes
//! (contract §4.2), so an oversized upload is refused here instead. The file's bytes go
//! in untouched.

use uuid::Uuid;

/// A `multipart/form-data` body with one file part.
#[derive(Debug, Clone)]
pub(crate) struct FilePart {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The form a browser sends for `<input type=file name=license>`.
pub(crate) fn license_form(file_name: &str, contents: &[u8]) -> FilePart {
    license_form_with(file_name, contents, &[])
}

/// The license file part followed by text fields, e.g. the organization keys of a sign-up.
pub(crate) fn license_form_with(
    file_name: &str,
    contents: &[u8],
    fields: &[(&str, &str)],
) -> FilePart {
    let boundary = format!("----LicenseCompanion{}", Uuid::new_v4().simple());
    let mut bytes = Vec::with_capacity(contents.len() + 256);
    bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    bytes.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"license\"; filename=\"{}\"\r\n",
            quoted(file_name)
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(b"Content-Type: application/json\r\n\r\n");
    bytes.extend_from_slice(contents);
    for (name, value) in fields {
        bytes.extend_from_slice(
            format!(
                "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n",
                quoted(name)
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(value.as_bytes());
    }
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    FilePart {
        content_type: format!("multipart/form-data; boundary={boundary}"),
        bytes,
    }
}

/// Escapes a file name for a quoted header parameter as browsers do.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_goes_in_untouched_between_the_boundaries() {
        let contents = b"{\r\n  \"Id\": \"x\"\n}\xEF\xBB\xBF";
        let part = license_form("my \"org\".json", contents);
        let boundary = part.content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8_lossy(&part.bytes);
        assert!(text.starts_with(&format!("--{boundary}\r\n")));
        assert!(text.contains("name=\"license\"; filename=\"my %22org%22.json\""));
        assert!(part
            .bytes
            .windows(contents.len())
            .any(|window| window == contents));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }

    #[test]
    fn text_fields_follow_the_file_each_in_its_own_part() {
        let part = license_form_with(
            "license.json",
            b"{}",
            &[("key", "4.abc="), ("collectionName", "2.iv|ct|mac")],
        );
        let boundary = part.content_type.split("boundary=").nth(1).unwrap();
        let text = String::from_utf8_lossy(&part.bytes);
        assert!(text.contains(&format!(
            "{{}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n4.abc=\r\n--{boundary}\r\n"
        )));
        assert!(text.ends_with(&format!(
            "name=\"collectionName\"\r\n\r\n2.iv|ct|mac\r\n--{boundary}--\r\n"
        )));
    }
}
