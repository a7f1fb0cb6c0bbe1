//! `license-companion`: the tray process, what the menu entry and the login entry start.
//! It never loads a web view; the window is the `license-companion-window` process, which
//! it starts when the person opens it.

mod app;
mod icon;
mod view;
mod window_process;

use std::process::ExitCode;

fn main() -> ExitCode {
    companion_desktop::logging::init();
    let options = app::Options::from_args(std::env::args().skip(1));
    // One thread does: the tray mostly sleeps, and its network work is waiting.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("an async runtime");
    // A second launch hands over to the running tray here, before any tray is drawn.
    let claimed = match runtime.block_on(app::claim(options)) {
        Ok(claimed) => claimed,
        Err(code) => return code,
    };
    #[cfg(target_os = "linux")]
    {
        runtime.block_on(app::run(claimed, view::Starter))
    }
    #[cfg(not(target_os = "linux"))]
    {
        view::run_event_loop(move |starter| {
            let code = runtime.block_on(app::run(claimed, starter));
            u8::from(code != ExitCode::SUCCESS)
        })
    }
}
