// One function log line for people (plain JavaScript: the emulator's worker runs it without a TypeScript loader,
// and `fleet logs` uses the same one): a request's line of fleet's access log (method, path, status, latencyMs)
// becomes `time label METHOD path status ms`, another JSON line with a message `time label LEVEL message`;
// anything else is `prefix` and the line as written.
"use strict";

/**
 * @param {string} line one line the function wrote
 * @param {string} label the region's label (a region, or account/region)
 * @param {string} prefix what a line that is not such JSON is prefixed with
 * @param {number} [at] when it was written (ms since the epoch), for a line that carries no timestamp of its own
 * @returns {string}
 */
function readableLine(line, label, prefix, at = Date.now()) {
  let entry;
  try {
    entry = line.startsWith("{") ? JSON.parse(line) : undefined;
  } catch {
    entry = undefined;
  }
  if (!entry || typeof entry !== "object") return prefix + line;
  const stamped = new Date(typeof entry.timestamp === "string" ? entry.timestamp : at);
  const time = (Number.isNaN(stamped.getTime()) ? new Date(at) : stamped).toISOString().slice(11, 23);
  if (typeof entry.method === "string" && typeof entry.path === "string" && typeof entry.status === "number") {
    return `${time} ${label} ${entry.method} ${entry.path} ${entry.status}${typeof entry.latencyMs === "number" ? ` ${entry.latencyMs} ms` : ""}`;
  }
  if (typeof entry.message !== "string") return prefix + line;
  const error = entry.error && typeof entry.error === "object" ? entry.error.message : entry.error;
  return `${time} ${label} ${String(entry.level ?? "log").toUpperCase()} ${entry.message}${typeof error === "string" ? `: ${error}` : ""}`;
}

module.exports = { readableLine };
