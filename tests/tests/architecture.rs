//! The workspace keeps its shape: the core library and the CLI link no GUI code, so they
//! build and run on a headless server; the test server judges licenses with its own
//! code, so a mistake in the app's license module cannot confirm itself; and the core's
//! words name no command of the command line, so the window never shows one.

use std::path::{Path, PathBuf};
use std::process::Command;

use companion_tests::paths;

fn normal_dependencies(package: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO"))
        .current_dir(paths::workspace_root())
        .args([
            "tree",
            "--locked",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}", "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

fn assert_headless(package: &str) {
    let deps = normal_dependencies(package);
    assert!(
        deps.len() > 5,
        "{package}: suspiciously few dependencies: {deps:?}"
    );
    let gui: Vec<_> = deps
        .iter()
        .filter(|name| {
            name.starts_with("tauri")
                || name.starts_with("gtk")
                || name.starts_with("gdk")
                || name.contains("webkit")
                || name.starts_with("wry")
                || name.starts_with("tao")
        })
        .collect();
    assert!(gui.is_empty(), "{package} pulls in GUI crates: {gui:?}");
}

#[test]
fn core_library_links_no_gui_crates() {
    assert_headless("companion-core");
}

#[test]
fn command_line_tool_links_no_gui_crates() {
    assert_headless("bwlicense");
}

#[test]
fn the_window_process_is_the_one_that_links_tauri() {
    let deps = normal_dependencies("license-companion-window");
    assert!(deps.iter().any(|name| name == "tauri"), "{deps:?}");
}

#[test]
fn the_tray_process_and_what_it_shares_with_the_window_link_no_gui_toolkit() {
    assert_headless("companion-desktop");
    assert_headless("license-companion");
}

/// What the dynamic loader maps into a program (`ldd`), by library name.
#[cfg(target_os = "linux")]
fn loaded_libraries(program: &Path) -> Vec<String> {
    let output = Command::new("ldd").arg(program).output().expect("run ldd");
    assert!(output.status.success(), "ldd {}", program.display());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn the_tray_program_loads_no_web_view_and_no_gtk_and_the_window_program_does() {
    let tray = loaded_libraries(&paths::built_binary("license-companion"));
    let heavy = |name: &&String| {
        name.contains("webkit") || name.contains("gtk") || name.contains("javascriptcore")
    };
    let found: Vec<_> = tray.iter().filter(heavy).collect();
    assert!(found.is_empty(), "the tray loads {found:?}");
    let window = loaded_libraries(&paths::built_binary("license-companion-window"));
    assert!(
        window.iter().any(|name| name.contains("webkit2gtk")),
        "{window:?}"
    );
}

/// The features `package` turns on in companion-core in a build of it (no dev-dependencies).
fn core_features_in(package: &str) -> String {
    let output = Command::new(env!("CARGO"))
        .current_dir(paths::workspace_root())
        .args(["tree", "--locked", "--offline", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p} [{f}]", "-p", package])
        .output()
        .expect("run cargo tree");
    assert!(output.status.success(), "cargo tree failed");
    String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .find(|line| line.starts_with("companion-core "))
        .unwrap_or_else(|| panic!("{package} does not use companion-core"))
        .to_owned()
}

#[test]
fn release_builds_of_the_app_and_cli_cannot_sign_licenses() {
    for package in ["license-companion", "license-companion-window", "bwlicense"] {
        let core = core_features_in(package);
        assert!(
            !core.contains("test-support"),
            "{package} builds companion-core with test-support (license signing): {core}"
        );
    }
}

/// Whether Rust source names the app's license module, directly or in a grouped `use`.
fn names_core_license_module(source: &str) -> bool {
    source.contains("companion_core::license")
        || source.match_indices("companion_core::{").any(|(at, _)| {
            source[at..]
                .split(';')
                .next()
                .unwrap_or("")
                .contains("license")
        })
}

#[test]
fn the_test_server_reads_signs_and_verifies_licenses_without_the_apps_license_module() {
    let dir = paths::workspace_root().join("tests/src/fake");
    let sources: Vec<_> = std::fs::read_dir(&dir)
        .expect("read tests/src/fake")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "rs"))
        .collect();
    assert!(sources.len() > 10, "the fake's sources moved: {sources:?}");
    let offenders: Vec<_> = sources
        .iter()
        .filter(|path| names_core_license_module(&std::fs::read_to_string(path).expect("read")))
        .collect();
    assert!(
        offenders.is_empty(),
        "{offenders:?} use the app's license module"
    );
}

#[test]
fn grouped_imports_of_the_license_module_are_noticed() {
    assert!(names_core_license_module(
        "use companion_core::{crypto::Kdf, license::parse};"
    ));
    assert!(names_core_license_module(
        "companion_core::license::parse(b)"
    ));
    assert!(!names_core_license_module(
        "use companion_core::{crypto::Kdf};\nfn license() {}"
    ));
}

/// Commands an admin runs on the server whichever front end they use, so the core may
/// name them with their options.
const SERVER_COMMANDS: &[&str] = &["docker compose up -d --force-recreate"];

/// Whether text names a `bwlicense` command or a command-line option (`--word`).
fn names_the_command_line(text: &str) -> bool {
    let text = SERVER_COMMANDS
        .iter()
        .fold(text.to_owned(), |text, command| text.replace(command, ""));
    let names_the_tool = text.match_indices("bwlicense").any(|(at, name)| {
        text[at + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || c == '`')
    });
    let names_an_option = text.match_indices("--").any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + 2..].chars().next();
        after.is_some_and(|c| c.is_ascii_lowercase())
            && before.is_none_or(|c| c.is_whitespace() || "`('\"[".contains(c))
    });
    names_the_tool || names_an_option
}

/// The source without its `#[cfg(test)]` items; an item with a body ends at the first
/// line closing a brace at the attribute's indentation, as rustfmt writes it.
fn without_test_items(source: &str) -> String {
    let mut kept = String::new();
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            kept.push_str(line);
            kept.push('\n');
            continue;
        }
        let close = format!("{}}}", &line[..line.len() - line.trim_start().len()]);
        if lines
            .next()
            .is_some_and(|item| item.trim_end().ends_with('{'))
        {
            lines.by_ref().find(|inner| inner.trim_end() == close);
        }
    }
    kept
}

/// The string literals of Rust source (plain, byte and raw), outside comments; a quote in a
/// char literal opens none.
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let is_ident = |at: usize| chars[at].is_alphanumeric() || chars[at] == '_';
    let mut literals = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        let rest = &chars[at..];
        match rest {
            ['/', '/', ..] => {
                at += rest.iter().position(|&c| c == '\n').unwrap_or(rest.len());
            }
            ['/', '*', ..] => {
                at += rest
                    .windows(2)
                    .position(|w| w == ['*', '/'])
                    .map_or(rest.len(), |end| end + 2);
            }
            ['\'', '\\', _, ..] => {
                at += 3 + rest[3..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map_or(0, |end| end + 1);
            }
            ['\'', _, '\'', ..] => at += 3,
            ['r', ..]
                if at == 0
                    || !is_ident(at - 1)
                    || (chars[at - 1] == 'b' && (at < 2 || !is_ident(at - 2))) =>
            {
                let hashes = rest[1..].iter().take_while(|&&c| c == '#').count();
                if rest.get(1 + hashes) != Some(&'"') {
                    at += 1;
                    continue;
                }
                let body = &rest[2 + hashes..];
                let closing: Vec<char> = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let end = body
                    .windows(closing.len())
                    .position(|w| w == closing.as_slice())
                    .unwrap_or(body.len());
                literals.push(body[..end].iter().collect());
                at += 2 + hashes + end + closing.len();
            }
            ['"', ..] => {
                let mut literal = String::new();
                let mut end = 1;
                while end < rest.len() && rest[end] != '"' {
                    let mut c = rest[end];
                    if c == '\\' {
                        end += 1;
                        c = match rest.get(end) {
                            Some('n') => '\n',
                            Some('r') => '\r',
                            Some('t') => '\t',
                            Some(&escaped) => escaped,
                            None => break,
                        };
                    }
                    literal.push(c);
                    end += 1;
                }
                literals.push(literal);
                at += end + 1;
            }
            _ => at += 1,
        }
    }
    literals
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read a source folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn the_cores_strings_name_no_command_line_command_or_option() {
    let root = paths::workspace_root().join("core/src");
    let mut sources = Vec::new();
    rust_files(&root, &mut sources);
    assert!(sources.len() > 50, "the core's sources moved: {sources:?}");
    let offenders: Vec<String> = sources
        .iter()
        .flat_map(|path| {
            let source = std::fs::read_to_string(path).expect("read");
            string_literals(&without_test_items(&source))
                .into_iter()
                .filter(|literal| names_the_command_line(literal))
                .map(|literal| format!("{}: {literal}", path.display()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "say what to do in words; the CLI adds its command in cli/src/hints.rs:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn commands_and_options_in_string_literals_are_noticed() {
    let literals = |source: &str| string_literals(&without_test_items(source));
    let source = r##"
        // Run `bwlicense login --server URL`.
        /// Pass --ca-cert FILE.
        let a = "Sign in with `bwlicense login`.";
        let b = format!("give it longer with --timeout {n}");
        let c = 'x';
        let d = '"';
        let d2 = '\'';
        let d3 = '\u{22}';
        let e = r#"run bwlicense inspect "FILE""#;
        let f = "-----BEGIN CERTIFICATE----- and \"quoted --json\"";
        let g = "docker compose up -d --force-recreate";
        let h = "bwlicense/0.1.0";
        let j = "\r\n--{boundary}--\r\n";
        #[cfg(test)]
        mod tests {
            fn t() { assert!(advice.contains("--otp")); }
        }
        #[cfg(test)]
        use x::y;
        let i = "Sign in to this server again.";
    "##;
    let found = literals(source);
    assert_eq!(
        found,
        [
            "Sign in with `bwlicense login`.",
            "give it longer with --timeout {n}",
            "run bwlicense inspect \"FILE\"",
            "-----BEGIN CERTIFICATE----- and \"quoted --json\"",
            "docker compose up -d --force-recreate",
            "bwlicense/0.1.0",
            "\r\n--{boundary}--\r\n",
            "Sign in to this server again.",
        ]
    );
    let flagged: Vec<bool> = found.iter().map(|l| names_the_command_line(l)).collect();
    assert_eq!(
        flagged,
        [true, true, true, true, false, false, false, false]
    );
}
