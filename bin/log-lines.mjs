// Logs a service manager can read: one line per event, no colour codes. Under systemd (stdout not a terminal)
// a message that spans lines (a stack trace, an inspected object) would be several journal entries; here it is
// joined into one, its lines separated by " | ".
import util from 'node:util';

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

/** one log line: colour codes dropped, line breaks (and the indent after them) joined by " | " */
export function oneLine(text) {
  return text
    .replace(ANSI, '')
    .replace(/\s*\r?\n\s*/g, ' | ')
    .replace(/( \| )+$/, '')
    .trimEnd();
}

/** console.log/info/warn/error/debug print one line each from now on */
export function plainConsole(target = console) {
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    const print = target[level].bind(target);
    target[level] = (...args) => print(oneLine(util.format(...args)));
  }
}
