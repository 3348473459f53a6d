// The inside of one emulated Lambda execution environment: a worker thread that loads the bundle once
// (the cold start) and runs invocations the parent sends, like the Lambda Node.js runtime does.
// Plain JavaScript on purpose: it runs the built bundle as Lambda would, with no TypeScript loader.
// Invocations may overlap inside one worker (unlike one Lambda sandbox, which runs one at a time):
// that keeps the emulator simple and fast, and the app must not depend on per-invocation globals anyway.
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { readableLine } = require("./readable-line.js");

/** Lambda serializes the result as JSON; anything that cannot be serialized is a function error. */
function serialize(result) {
  const payload = JSON.stringify(result);
  return payload === undefined ? "null" : payload;
}

function errorMessage(error) {
  if (error instanceof Error) return { errorType: error.name, errorMessage: error.message, stack: error.stack };
  return { errorType: "Error", errorMessage: String(error) };
}

function contextFor(invocation) {
  const { deadline, ...fields } = invocation.context;
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
}

/** Calls the handler the way the Node.js runtime does: a returned promise, or the (legacy) callback. */
function invoke(handler, event, context) {
  return new Promise((resolve, reject) => {
    const callback = (error, result) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}

// Direct output (the default of `fleet start`): the function's writes go straight to the emulator's file
// descriptor, each line prefixed with its endpoint, instead of one message per write to the main thread.
// With `readable` (fleet start without --json), each JSON log line becomes one short line: a request's (fleet's
// access log keys: method, path, status, latencyMs) `time region METHOD path status ms`, others `time region LEVEL
// message`; anything else keeps the prefix.
if (workerData.output) {
  const { writeSync } = require("node:fs");
  const { fd, prefix, readable } = workerData.output;
  const lines = readable ? (text) => text.replace(/^.+$/gm, (line) => readableLine(line, readable, prefix)) : (text) => text.replace(/^(?=.)/gm, prefix);
  const writeDirect = function (chunk, encoding, callback) {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    try {
      writeSync(fd, lines(text));
    } catch {
      // A closed or full descriptor must not fail the invocation that logged.
    }
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") done();
    return true;
  };
  process.stdout.write = writeDirect;
  process.stderr.write = writeDirect;
}

// The region's function log (`fleet logs --local` reads it): every line the function writes, appended with its
// time as one JSON line { timestamp, message } by one write (O_APPEND), so the workers of several processes serving
// the region never interleave within a line. Past its size bound it is moved to <file>.1 when a worker starts.
if (workerData.logFile) {
  const { closeSync, mkdirSync, openSync, renameSync, statSync, writeSync } = require("node:fs");
  const path = require("node:path");
  mkdirSync(path.dirname(workerData.logFile), { recursive: true });
  try {
    if (statSync(workerData.logFile).size > workerData.logFileBytes) renameSync(workerData.logFile, `${workerData.logFile}.1`);
  } catch {
    // No log yet, or another worker moved it first.
  }
  const fd = openSync(workerData.logFile, "a");
  process.on("exit", () => closeSync(fd));
  const keep = (write) =>
    function (chunk, encoding, callback) {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      const timestamp = Date.now();
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      try {
        if (lines.length > 0) writeSync(fd, lines.map((message) => `${JSON.stringify({ timestamp, message })}\n`).join(""));
      } catch {
        // A full disk must not fail the invocation that logged.
      }
      return write.call(this, chunk, encoding, callback);
    };
  process.stdout.write = keep(process.stdout.write);
  process.stderr.write = keep(process.stderr.write);
}

// fleet start --inspect: the function's own inspector, opened before the bundle loads, so a debugger attached
// here sees this region's code alone. A taken port (the worker this one replaces still holds it) falls back to any
// free port; either way the URL is announced with the region.
if (workerData.inspect) {
  const inspector = require("node:inspector");
  inspector.open(workerData.inspect.port, "127.0.0.1");
  if (!inspector.url()) inspector.open(0, "127.0.0.1");
  const url = inspector.url();
  const where = url ? `${url} (chrome://inspect, or attach a debugger to 127.0.0.1:${new URL(url).port})` : "could not open an inspector";
  require("node:fs").writeSync(2, `debugger for ${workerData.inspect.label}: ${where}\n`);
}

let handler;
try {
  const mod = require(workerData.bundleFile);
  handler = mod && mod.handler;
  if (typeof handler !== "function") throw new Error(`${workerData.bundleFile} does not export a function named 'handler'`);
} catch (error) {
  parentPort.postMessage({ type: "init-error", ...errorMessage(error) });
  return;
}
parentPort.postMessage({ type: "ready" });

parentPort.on("message", async (message) => {
  if (message.type !== "invoke") return;
  try {
    const result = await invoke(handler, message.event, contextFor(message));
    parentPort.postMessage({ type: "result", id: message.id, payload: serialize(result) });
  } catch (error) {
    parentPort.postMessage({ type: "error", id: message.id, ...errorMessage(error) });
  }
});
