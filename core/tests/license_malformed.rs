//! Every file of the malformed corpus gives its expected error code with a message that
//! says where or which field, and advice; none panics or parses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use companion_core::error::Explain;
use companion_core::license::parse;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/data/malformed")
}

fn manifest() -> BTreeMap<String, serde_json::Value> {
    let text = std::fs::read_to_string(corpus().join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn every_malformed_file_gets_its_own_explained_error() {
    let manifest = manifest();
    assert!(manifest.len() >= 50, "corpus has {} files", manifest.len());
    for (name, expected) in &manifest {
        let bytes = std::fs::read(corpus().join(name)).unwrap();
        let err = match parse(&bytes) {
            Ok(parsed) => panic!("{name} parsed as a {:?} license", parsed.license.kind()),
            Err(err) => err,
        };
        assert_eq!(
            err.code(),
            expected["code"].as_str().unwrap(),
            "{name}: {err}"
        );
        let problem = err.problem();
        let mentions = expected["mentions"].as_str().unwrap();
        assert!(
            problem.message.contains(mentions),
            "{name}: message {:?} lacks {mentions:?}",
            problem.message
        );
        assert!(problem.advice.len() > 20, "{name}: advice too short");
    }
}

#[test]
fn the_corpus_covers_many_distinct_causes() {
    let codes: BTreeSet<String> = manifest()
        .values()
        .map(|v| v["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(codes.len() >= 17, "{codes:?}");
}

#[test]
fn every_corpus_file_is_in_the_manifest() {
    let manifest = manifest();
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") && name != "manifest.json" {
            assert!(
                manifest.contains_key(&name),
                "{name} is not in manifest.json"
            );
        }
    }
}
