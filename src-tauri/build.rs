fn main() {
    // Every app command is listed here so the capability file can grant each one by name;
    // a command missing from `capabilities/main.json` is refused from the web view.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "settings_get",
        "settings_set_language",
        "page_ready",
        "dashboard_load",
        "instances_overview",
        "instance_save",
        "instance_remove",
        "cloud_region_set",
        "installation_read",
        "installation_fix",
        "signin_start",
        "signin_continue",
        "signin_send_email_code",
        "signin_cancel",
        "sign_out",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run tauri-build");
}
