//! Case-insensitive field lookup: the prelogin answer is camelCase while the token
//! response's custom fields are PascalCase (contract §4.4), so names are matched ignoring
//! ASCII case.

use serde_json::Value;

/// The field `name` of `object`, matched ignoring ASCII case; `None` when absent, null or
/// when `object` is not an object.
pub(crate) fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
}

/// Follows a path of field names, each matched ignoring ASCII case.
pub(crate) fn path<'a>(object: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .try_fold(object, |value, name| field(value, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_match_whatever_the_case_and_null_counts_as_absent() {
        let value = json!({"KdfIterations": 5000, "kdfMemory": null, "Outer": {"inner": 1}});
        assert_eq!(field(&value, "kdfIterations"), Some(&json!(5000)));
        assert_eq!(field(&value, "KDFMEMORY"), None);
        assert_eq!(path(&value, &["outer", "INNER"]), Some(&json!(1)));
        assert_eq!(path(&value, &["outer", "missing"]), None);
        assert_eq!(field(&json!([1]), "a"), None);
    }
}
