# `make run` and `make test` do every set-up step themselves (see README.md).
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(CURDIR)/.tools/bin:$(PATH)

.PHONY: run bench bench-fleet test test-windows dist test-dist deps tools build lint e2e clean

## Install missing system packages (apt-get as root; otherwise prints the sudo command).
deps:
	@scripts/deps.sh

## Install the test tools into .tools/: tauri-driver (crates.io) and Bitwarden's CLI bw (npm, pinned).
tools: deps
	@scripts/tools.sh

build: deps
	$(CARGO) build --locked --workspace --bins

## Build and open the app on the demo (a local Bitwarden-compatible test server).
run: build
	@scripts/demo.sh

## Start time, memory and idle CPU of the app next to a bare Tauri 2 window.
bench: build
	@scripts/bench.sh

## The fleet runner over 200 self-hosted servers (one fake-bitwarden) next to one: bwlicense
## --all-instances and the window's dashboard, times and memory (see README).
bench-fleet: build
	@scripts/bench-fleet.sh

## Formatting, lints, then every unit, integration and end-to-end test in one cargo run,
## inside a throw-away desktop session (Xvfb, D-Bus, unlocked gnome-keyring).
test: tools lint
	scripts/with-desktop.sh $(CARGO) test --locked --workspace -- --include-ignored

## Only the end-to-end tests of the real window (rebuilds the app first).
e2e: tools
	$(CARGO) test --locked --workspace --no-run
	scripts/with-desktop.sh $(CARGO) test --locked --workspace \
		$(foreach f,$(wildcard tests/tests/e2e_*.rs tray/tests/e2e_*.rs),--test $(basename $(notdir $(f)))) -- --include-ignored

## Windows: cross-build bwlicense.exe and the app, run the CLI under Wine against the test
## server, build the NSIS installer and install/uninstall it under Wine (see README).
test-windows:
	scripts/windows/build.sh --app
	scripts/windows/test-cli.sh
	scripts/windows/installer.sh
	scripts/windows/test-installer.sh

## Release bundles in target/dist/: the .deb and .rpm (app and bwlicense) and a static
## bwlicense for any Linux server; prints their sizes and the release app's start time.
dist: deps
	scripts/dist/build.sh

## The Windows checks, then the .deb installed into a clean Debian 12 root (app window,
## bwlicense) and the static bwlicense there and with a Secret Service (see README).
test-dist: test-windows dist
	scripts/dist/test-deb.sh
	scripts/dist/test-musl.sh

## Formatting, lints, and the page type-checked against the commands (tsconfig.json).
lint: tools
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	tsc -p tsconfig.json

clean:
	$(CARGO) clean
	rm -rf .tools test-output
