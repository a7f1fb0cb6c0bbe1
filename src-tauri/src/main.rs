#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    license_companion_lib::run();
}
