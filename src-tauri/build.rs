fn main() {
    // Every app command is listed here so the capability file can grant each one by name;
    // a command missing from `capabilities/main.json` is refused from the web view.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "settings_get",
        "settings_set_language",
        "dashboard_load",
        "instances_overview",
        "instance_save",
        "instance_remove",
        "cloud_region_set",
        "installation_read",
        "installation_fix",
        "instance_test_connection",
        "signin_start",
        "signin_continue",
        "signin_send_email_code",
        "signin_cancel",
        "sign_out",
        "license_pick",
        "license_report",
        "license_download",
        "license_cloud_orgs",
        "license_targets",
        "license_plan_upload",
        "license_send_upload",
        "license_discard_upload",
        "license_history",
        "license_restore",
        "license_create_organization",
        "settings_set_start_at_login",
        "billing_overview",
        "billing_save_token",
        "billing_sync_now",
        "billing_setup_check",
        "billing_cloud_orgs",
        "billing_request_code",
        "billing_fetch_token",
        "page_ready",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("failed to run tauri-build");
}
