//! `--all-instances`: a per-server command over every server the app keeps (`settings.json`
//! in the config folder, `$XDG_CONFIG_HOME/license-companion`), through the core's fleet
//! runner: a bounded number of servers at once, each server's block (with `--json`, its
//! JSON line) printed the moment it is read, and the exit status of the worst server.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use companion_core::app::{Instance, Settings};
use companion_core::bitwarden::{BitwardenError, Endpoints, Http, Session};
use companion_core::error::{Explain, Problem};
use companion_core::fleet::{self, FleetOptions};
use futures_util::StreamExt;
use serde_json::{json, Value};

use crate::net::{block_on, Net, NetArgs};
use crate::report::{print_json, Failure as Shown, Style};

/// A server that did not answer in time, or a network failure.
const UNAVAILABLE: u8 = 3;
/// The list of servers, or the network context, could not be set up.
const USAGE: u8 = 2;

/// How the servers are asked; only with `--all-instances`.
#[derive(Debug, Args)]
pub struct FleetArgs {
    /// With --all-instances: how many servers are asked at once.
    #[arg(long, value_name = "N", default_value_t = fleet::DEFAULT_LIMIT, requires = "all_instances")]
    jobs: usize,
    /// With --all-instances: seconds one server may take, all its requests together.
    #[arg(long, value_name = "SECONDS", default_value_t = fleet::DEFAULT_TIMEOUT.as_secs_f64(), requires = "all_instances")]
    instance_timeout: f64,
}

impl FleetArgs {
    fn options(&self) -> FleetOptions {
        FleetOptions {
            limit: self.jobs,
            timeout: Duration::try_from_secs_f64(self.instance_timeout)
                .ok()
                .filter(|t| !t.is_zero())
                .unwrap_or(fleet::DEFAULT_TIMEOUT),
        }
    }
}

/// One configured server, ready to be asked.
pub struct Server {
    pub instance: Instance,
    net: Net,
    http: Http,
    pub endpoints: Endpoints,
}

impl Server {
    /// A session on this server: the API key of the environment, else the kept one.
    pub async fn session(&self) -> Result<Session, BitwardenError> {
        self.net.session_with(&self.http, &self.endpoints).await
    }
}

/// What one server gave, with its exit status.
pub enum Answer {
    /// Its block of text and the same as JSON.
    Read {
        text: String,
        json: Value,
        exit: u8,
    },
    Failed {
        problem: Problem,
        exit: u8,
    },
}

impl Answer {
    pub fn failed(error: &impl Explain, exit: u8) -> Answer {
        Answer::Failed {
            problem: error.problem(),
            exit,
        }
    }

    fn exit(&self) -> u8 {
        match self {
            Answer::Read { exit, .. } | Answer::Failed { exit, .. } => *exit,
        }
    }
}

/// A server that cannot even be asked (its URL or CA file), with the exit status.
type Failure = (Problem, u8);

fn failure(e: &BitwardenError) -> Failure {
    (e.problem(), e.exit_class() as u8)
}

/// Runs `job` on every configured server and prints each answer as it comes.
pub fn run<F, Fut>(net_args: &NetArgs, fleet_args: &FleetArgs, mut job: F) -> ExitCode
where
    F: FnMut(Server) -> Fut,
    Fut: Future<Output = Answer>,
{
    let json = net_args.json;
    let setup = Net::new(net_args).map_err(|e| failure(&e));
    let setup = setup.and_then(|net| {
        Settings::load_instances(&net.folders.config)
            .map(|instances| (net, instances))
            .map_err(|e| (e.problem(), USAGE))
    });
    let (net, instances) = match setup {
        Ok(ready) => ready,
        Err((problem, exit)) => {
            let failure = Shown::from(problem);
            if json {
                print_json(&json!({ "error": failure }));
            } else {
                eprintln!(
                    "error: {}\n{}",
                    failure.problem.message,
                    failure.advice_and_hint()
                );
            }
            return ExitCode::from(exit);
        }
    };
    let total = instances.len();
    let style = &Style::for_stdout();
    // One HTTP client per CA file, shared by the servers that use it.
    let mut clients: HashMap<Option<PathBuf>, Result<Http, Failure>> = HashMap::new();
    let answers = fleet::run(instances, fleet_args.options(), |instance| {
        let ca = instance.ca_file.clone();
        let http = clients
            .entry(ca.clone())
            .or_insert_with(|| net.http_for(ca.as_deref()).map_err(|e| failure(&e)))
            .clone();
        let server = http.and_then(|http| {
            Ok(Server {
                endpoints: net.self_hosted(&instance.url).map_err(|e| failure(&e))?,
                net: net.clone(),
                http,
                instance,
            })
        });
        let work = server.map(&mut job);
        async move {
            match work {
                Ok(work) => work.await,
                Err((problem, exit)) => Answer::Failed { problem, exit },
            }
        }
    });
    let printed = block_on(
        answers.fold((0u8, 0usize), |(worst, read), done| async move {
            let answer = done
                .outcome
                .unwrap_or_else(|timeout| Answer::failed(&timeout, UNAVAILABLE));
            print_answer(&done.item, &answer, done.elapsed, json, style);
            let read = read + usize::from(matches!(answer, Answer::Read { .. }));
            (worst.max(answer.exit()), read)
        }),
    );
    match printed {
        Ok((worst, read)) => {
            if !json {
                println!("{read} of {total} servers read.");
            }
            ExitCode::from(worst)
        }
        Err(e) => crate::report::fail(json, &e, None),
    }
}

fn print_answer(
    instance: &Instance,
    answer: &Answer,
    elapsed: Duration,
    json: bool,
    style: &Style,
) {
    if json {
        let mut line = json!({
            "instance": { "id": instance.id, "name": instance.name, "url": instance.url },
            "elapsed_ms": elapsed.as_millis() as u64,
            "exit": answer.exit(),
        });
        let (key, value) = match answer {
            Answer::Read { json, .. } => ("report", json.clone()),
            Answer::Failed { problem, .. } => ("error", json!(problem)),
        };
        line[key] = value;
        print_json(&line);
        return;
    }
    let mut out = format!("{}  {}\n", style.bold(&instance.name), instance.url);
    match answer {
        Answer::Read { text, .. } => out.push_str(text),
        Answer::Failed { problem, .. } => out.push_str(&format!(
            "  {} {}\n  {}\n",
            style.bad("error:"),
            problem.message,
            problem.advice
        )),
    }
    println!("{out}");
}
