// The page's only way out: Tauri commands. Anything slower than 300 ms shows the
// "Working…" indicator. Under the end-to-end tests (`__BOOT__.recordIpc`) every call is
// also kept in `window.__ipcLog`, which they read to prove no secret reaches the page.
const { invoke } = window.__TAURI__.core;

const LOG_LIMIT = 500;
const recording = window.__BOOT__?.recordIpc === true;
if (recording) window.__ipcLog = [];
let pending = 0;
let busyTimer = null;

function record(entry) {
  if (!recording) return;
  window.__ipcLog.push(entry);
  if (window.__ipcLog.length > LOG_LIMIT) window.__ipcLog.shift();
}

function setBusy(delta) {
  pending += delta;
  const busy = document.getElementById("busy");
  if (pending > 0 && !busyTimer) {
    busyTimer = setTimeout(() => { busy.hidden = false; }, 300);
  }
  if (pending === 0) {
    clearTimeout(busyTimer);
    busyTimer = null;
    busy.hidden = true;
  }
}

/** @typedef {import("../src-tauri/ipc").Commands} Commands */
/** @typedef {import("../src-tauri/ipc").Events} Events */

/**
 * Calls a command. Resolves with its result; rejects with `{code, message, advice}`.
 * Arguments named like secrets are recorded as "[hidden]" — they go to Rust, never back.
 * What each command takes and answers is `Commands`, generated from the Rust side.
 * @template {keyof Commands} C
 * @param {C} cmd
 * @param {Commands[C]["args"]} [args]
 * @returns {Promise<Commands[C]["answer"]>}
 */
export async function call(cmd, args = /** @type {Commands[C]["args"]} */ ({})) {
  const shown = Object.fromEntries(
    Object.entries(args).map(([k, v]) => [k, /password|secret|token|code/i.test(k) ? "[hidden]" : v]),
  );
  setBusy(1);
  try {
    const result = await invoke(cmd, args);
    record({ cmd, args: shown, result });
    return result;
  } catch (raw) {
    const error = typeof raw === "object" && raw && raw.code
      ? raw
      : { code: "unexpected", message: String(raw), advice: "" };
    record({ cmd, args: shown, error });
    throw error;
  } finally {
    setBusy(-1);
  }
}

/** A channel a command streams its partial results through; `handler` gets each one. */
export function channel(handler) {
  const stream = new window.__TAURI__.core.Channel();
  stream.onmessage = handler;
  return stream;
}

/**
 * Listens to an event the window sends unasked; `Events` names each one's payload.
 * @template {keyof Events} E
 * @param {E} event
 * @param {(payload: Events[E]) => void} handler
 */
export function listen(event, handler) {
  return window.__TAURI__.event.listen(event, (e) => handler(e.payload));
}
