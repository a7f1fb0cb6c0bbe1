//! What the page may call and what it gets back, as TypeScript: `src-tauri/ipc.d.ts`,
//! generated from the commands' own signatures and the events' names (read with `syn`)
//! and the Rust types they take, answer and send (`ts-rs`). The page's `call` and
//! `listen` are typed by it and `make lint` checks the page with `tsc`, so a renamed
//! field or argument fails there instead of in a window.
//!
//! `the_page_types_are_generated_from_the_commands` fails when the file is stale; run it
//! with `LICENSE_COMPANION_WRITE_TYPES=1` to write it again.

use std::any::TypeId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use syn::{FnArg, GenericArgument, Item, PathArguments, ReturnType, Type};
use ts_rs::{Config, TypeVisitor, TS};

use crate::camel::camel_case;

/// The Rust types the commands and events name; the types inside them are found from
/// these. A command naming a type that is not declared fails the test with its name.
fn declared() -> Vec<fn(&mut Collect)> {
    macro_rules! declared {
        ($($ty:ty),* $(,)?) => {
            vec![$(|collect: &mut Collect| collect.visit::<$ty>()),*]
        };
    }
    use crate::commands::{app, billing, instances, license, signin};
    use companion_core::{
        app::{dashboard, settings::Settings},
        bitwarden::{CreatedOrganization, UploadOutcome},
        error::Problem,
        installation::{Installation, Region},
        ops::{billing as ops_billing, licenses},
    };
    declared![
        app::AppInfo,
        app::Boot,
        crate::events::BillingProgress,
        crate::events::CreateProgress,
        crate::opened::Dropped,
        billing::CloudOrgs,
        billing::FetchedToken,
        billing::InstanceBilling,
        companion_desktop::state::ConnectionCheck,
        CreatedOrganization,
        dashboard::Dashboard,
        dashboard::Progress,
        instances::FixView,
        instances::InstanceDraft,
        instances::Overview,
        license::CloudChoices,
        license::OpenedReport,
        license::PlannedUpload,
        license::Restored,
        license::TargetArg,
        licenses::HistoryEntry,
        licenses::Targets,
        Installation,
        ops_billing::OrganizationBilling,
        ops_billing::SetupCheck,
        Problem,
        Region,
        Settings,
        signin::CodeKind,
        signin::Method,
        signin::SignInStep,
        UploadOutcome,
    ]
}

/// Every declaration reached from the declared types, once each, by name.
struct Collect {
    config: Config,
    seen: HashSet<TypeId>,
    declarations: BTreeMap<String, String>,
}

impl TypeVisitor for Collect {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        let name = T::ident(&self.config);
        let declaration = T::decl(&self.config);
        if let Some(other) = self.declarations.insert(name.clone(), declaration.clone()) {
            assert_eq!(
                other, declaration,
                "two different types are both called {name}"
            );
        }
        T::visit_dependencies(self);
    }
}

/// One `#[tauri::command]`: its name, what the page passes and what it answers.
struct Command {
    name: String,
    args: Vec<Arg>,
    answer: String,
}

/// An argument as the page passes it: camelCase (Tauri's rule, the same as `Camel`'s),
/// optional when `Option`.
struct Arg {
    name: String,
    ty: String,
    optional: bool,
}

/// The Rust files of a folder and its subfolders, parsed, in path order.
fn parsed(dir: &Path) -> Vec<syn::File> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    let parse = |path: &PathBuf| syn::parse_file(&std::fs::read_to_string(path).unwrap());
    files.iter().map(|path| parse(path).unwrap()).collect()
}

/// Every `impl PageEvent for T { const NAME = "…" }`: the event's name and its type.
fn events_in(files: &[syn::File]) -> Vec<(String, String)> {
    let mut events = Vec::new();
    for item in files.iter().flat_map(|file| &file.items) {
        let Item::Impl(implementation) = item else {
            continue;
        };
        let Some((_, trait_path, _)) = &implementation.trait_ else {
            continue;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|seg| seg.ident != "PageEvent")
        {
            continue;
        }
        let name = implementation.items.iter().find_map(|item| match item {
            syn::ImplItem::Const(constant) if constant.ident == "NAME" => match &constant.expr {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(name),
                    ..
                }) => Some(name.value()),
                _ => None,
            },
            _ => None,
        });
        let name = name.expect("a page event names itself with a string literal");
        events.push((name, typescript_of(&implementation.self_ty)));
    }
    events.sort();
    events
}

fn commands_in(files: &[syn::File]) -> Vec<Command> {
    let mut commands = Vec::new();
    for file in files {
        for item in &file.items {
            let Item::Fn(function) = item else { continue };
            let is_command = function.attrs.iter().any(|attr| {
                let path = attr.path();
                path.segments.len() == 2
                    && path.segments[0].ident == "tauri"
                    && path.segments[1].ident == "command"
            });
            if !is_command {
                continue;
            }
            let mut args = Vec::new();
            for input in &function.sig.inputs {
                let FnArg::Typed(arg) = input else { continue };
                if provided_by_tauri(&arg.ty) {
                    continue;
                }
                let syn::Pat::Ident(name) = &*arg.pat else {
                    panic!("{}: an argument without a plain name", function.sig.ident)
                };
                let optional = last_ident(&arg.ty).is_some_and(|ident| ident == "Option");
                args.push(Arg {
                    name: camel_case(name.ident.to_string()),
                    ty: typescript_of(&arg.ty),
                    optional,
                });
            }
            let answer = match &function.sig.output {
                ReturnType::Default => "null".to_owned(),
                ReturnType::Type(_, ty) => typescript_of(ty),
            };
            commands.push(Command {
                name: function.sig.ident.to_string(),
                args,
                answer,
            });
        }
    }
    commands
}

/// Arguments Tauri fills in itself; the page never passes them.
fn provided_by_tauri(ty: &Type) -> bool {
    last_ident(ty).is_some_and(|ident| {
        ["State", "AppHandle", "WebviewWindow", "Window", "Webview"].contains(&ident.as_str())
    })
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|seg| seg.ident.to_string()),
        Type::Reference(reference) => last_ident(&reference.elem),
        _ => None,
    }
}

fn type_arguments(ty: &Type) -> Vec<&Type> {
    let Type::Path(path) = ty else {
        return Vec::new();
    };
    let Some(segment) = path.path.segments.last() else {
        return Vec::new();
    };
    let PathArguments::AngleBracketed(generics) = &segment.arguments else {
        return Vec::new();
    };
    generics
        .args
        .iter()
        .filter_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect()
}

/// The TypeScript a Rust type arrives as, in the page.
fn typescript_of(ty: &Type) -> String {
    if let Type::Tuple(tuple) = ty {
        assert!(tuple.elems.is_empty(), "a tuple crosses to the page");
        return "null".to_owned();
    }
    let ident = last_ident(ty).expect("a command takes or answers a named type");
    let inner = type_arguments(ty);
    match ident.as_str() {
        "String" | "str" | "PathBuf" | "Uuid" | "SecretString" => "string".to_owned(),
        "bool" => "boolean".to_owned(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f64" => "number".to_owned(),
        "Option" => format!("{} | null", typescript_of(inner[0])),
        "Vec" => format!("Array<{}>", typescript_of(inner[0])),
        // A rejection reaches the page as a `Problem`, which `call` throws.
        "Result" | "Camel" => typescript_of(inner[0]),
        "Channel" => format!("Channel<{}>", typescript_of(inner[0])),
        named => named.to_owned(),
    }
}

/// The whole file: every declaration, then the commands and the page's globals.
fn page_types() -> String {
    let files = parsed(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let commands = commands_in(&files);
    let events = events_in(&files);
    let mut collect = Collect {
        config: Config::default(),
        seen: HashSet::new(),
        declarations: BTreeMap::new(),
    };
    for visit in declared() {
        visit(&mut collect);
    }
    let missing: BTreeSet<&str> = commands
        .iter()
        .flat_map(|command| {
            let args = command.args.iter().map(|arg| arg.ty.as_str());
            args.chain([command.answer.as_str()])
        })
        .chain(events.iter().map(|(_, payload)| payload.as_str()))
        .flat_map(|ty| ty.split(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
        .filter(|name| !["Array", "Channel"].contains(name))
        .filter(|name| !collect.declarations.contains_key(*name))
        .collect();
    assert!(
        missing.is_empty(),
        "add these types to `declared`: {missing:?}"
    );

    let mut out = String::from(HEADER);
    for declaration in collect.declarations.values() {
        out.push_str("export ");
        out.push_str(&camel_case_fields(declaration));
        out.push_str("\n\n");
    }
    out.push_str(
        "/** What each command takes (`args`) and answers; a refusal is a `Problem`. */\n",
    );
    out.push_str("export interface Commands {\n");
    for command in &commands {
        let args: Vec<String> = command
            .args
            .iter()
            .map(|arg| {
                let optional = if arg.optional { "?" } else { "" };
                format!("{}{optional}: {}", arg.name, arg.ty)
            })
            .collect();
        let args = if args.is_empty() {
            "{}".to_owned()
        } else {
            format!("{{ {} }}", args.join("; "))
        };
        out.push_str(&format!(
            "  {}: {{ args: {args}; answer: {} }};\n",
            command.name, command.answer
        ));
    }
    out.push_str("}\n\n/** What the window sends the page unasked (`events.rs`), by name. */\n");
    out.push_str("export interface Events {\n");
    for (name, payload) in &events {
        out.push_str(&format!("  \"{name}\": {payload};\n"));
    }
    out.push_str(FOOTER);
    out
}

const HEADER: &str = "\
// What the window's commands take and answer, generated from their Rust signatures and types
// by `the_page_types_are_generated_from_the_commands` (src-tauri/src/page_types.rs): run it
// with LICENSE_COMPANION_WRITE_TYPES=1 to write this file again. Do not edit it by hand.

";

const FOOTER: &str = "}

/** A stream a command sends its partial results through (`ipc.js` `channel`). */
export interface Channel<T> {
  onmessage: (message: T) => void;
}

declare global {
  interface Window {
    /** What the window hands the page before its first script runs. */
    __BOOT__: Boot;
    /** The catalogs of words, by language (core/messages/*.json). */
    __MESSAGES__: Record<string, Record<string, string>>;
    __TAURI__: any;
    __ipcLog?: Array<unknown>;
  }
}
";

/// Field names as the page reads them: every answer's snake_case names are renamed on
/// their way out (`camel::Camel`), and the window tests fail on any that are not.
fn camel_case_fields(declaration: &str) -> String {
    let field = regex::Regex::new(r"\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(\??: )").unwrap();
    field
        .replace_all(declaration, |found: &regex::Captures| {
            format!("{}{}", camel_case(found[1].to_owned()), &found[2])
        })
        .into_owned()
}

#[test]
fn the_page_types_are_generated_from_the_commands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ipc.d.ts");
    let generated = page_types();
    if std::env::var_os("LICENSE_COMPANION_WRITE_TYPES").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    // A Windows checkout may have turned the file's line ends into CRLF.
    let written = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    assert!(
        written == generated,
        "src-tauri/ipc.d.ts is not what the commands take and answer; run this test with \
         LICENSE_COMPANION_WRITE_TYPES=1 to write it again"
    );
}
