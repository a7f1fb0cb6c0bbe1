//! The window's security settings, read from the shipped configuration files.

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/").to_owned() + path)
        .unwrap_or_else(|e| panic!("read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parse {path}: {e}"))
}

#[test]
fn csp_allows_only_the_apps_own_scripts_and_ipc() {
    let conf = json("tauri.conf.json");
    let security = &conf["app"]["security"];
    let csp = security["csp"].as_object().expect("CSP as a directive map");
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    assert_eq!(csp["connect-src"], "ipc: http://ipc.localhost");
    for (directive, value) in csp {
        let value = value.as_str().unwrap();
        assert!(!value.contains("unsafe-eval"), "{directive} allows eval");
        assert!(
            !value.contains("http:") || directive == "connect-src",
            "{directive}: {value}"
        );
    }
    assert_eq!(security["freezePrototype"], true);
}

#[test]
fn capability_grants_no_file_system_or_shell_access() {
    let capability = json("capabilities/main.json");
    let permissions = capability["permissions"].as_array().unwrap();
    for permission in permissions {
        let name = permission.as_str().expect("plain permission names");
        assert!(
            !name.starts_with("fs:") && !name.starts_with("shell:"),
            "capability grants {name}"
        );
    }
    assert_eq!(capability["windows"], serde_json::json!(["main"]));
}
