//! The jobs a person does, each one function over the lower modules (`bitwarden`,
//! `installation`, the keychain), returning a typed result. The CLI and the window call
//! these and only render what comes back, so a rule of a job lives here once.

pub mod billing;
pub mod licenses;
