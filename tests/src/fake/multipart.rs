//! Reading `multipart/form-data` uploads as ASP.NET model binding does: names match ignoring
//! case, a file is a part with a file name, and a body that is not multipart simply binds
//! nothing. The upload limit applies to the whole request's `Content-Length`
//! (`ApiHelpers.ReadJsonFileFromBody`, contract §4.2).

use std::collections::HashMap;

use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::header::CONTENT_LENGTH;
use axum::http::HeaderMap;

/// Largest request whose license file the server reads.
pub const MAX_UPLOAD_BYTES: u64 = 51_200;

/// The bound parts of an upload.
#[derive(Debug, Default)]
pub(crate) struct Upload {
    /// The request's `Content-Length`, when sent.
    pub content_length: Option<u64>,
    files: HashMap<String, Vec<u8>>,
    fields: HashMap<String, String>,
}

impl Upload {
    /// Reads every part; a malformed body binds what was read before the fault.
    pub async fn read(
        headers: &HeaderMap,
        multipart: Result<Multipart, MultipartRejection>,
    ) -> Upload {
        let mut upload = Upload {
            content_length: headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse().ok()),
            ..Upload::default()
        };
        let Ok(mut multipart) = multipart else {
            return upload;
        };
        while let Ok(Some(field)) = multipart.next_field().await {
            let name = field.name().unwrap_or_default().to_ascii_lowercase();
            let is_file = field.file_name().is_some();
            let Ok(bytes) = field.bytes().await else {
                break;
            };
            if is_file {
                upload.files.insert(name, bytes.to_vec());
            } else {
                upload
                    .fields
                    .insert(name, String::from_utf8_lossy(&bytes).into_owned());
            }
        }
        upload
    }

    /// A file part, by name.
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .get(&name.to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    /// A text part, by name (`keys.publicKey` and `Keys.PublicKey` are the same).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// The license file's bytes when the server would read them: present, and the whole
    /// request within the limit.
    pub fn license_within_limit(&self) -> Option<&[u8]> {
        let file = self.file("license")?;
        self.content_length
            .filter(|len| *len <= MAX_UPLOAD_BYTES)
            .map(|_| file)
    }
}
