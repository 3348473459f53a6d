/**
 * stdout and stderr that never crash the process: a closed pipe (`fleet … | head -1`, a terminal gone) makes a
 * write fail with EPIPE, emitted as an 'error' event Node would otherwise throw. Here a stream that failed is marked
 * closed, later writes to it are dropped, and listeners hear of it once (a rollout then stops as on Ctrl-C).
 */
type Name = "stdout" | "stderr";

const closed = new Set<Name>();
const listeners = new Set<(name: Name) => void>();

function markClosed(name: Name): void {
  if (closed.has(name)) return;
  closed.add(name);
  for (const listener of listeners) listener(name);
}

for (const name of ["stdout", "stderr"] as const) process[name].on("error", () => markClosed(name));

/** Resolves once the text is written (true) or the stream turned out to be closed (false). */
function write(name: Name, text: string): Promise<boolean> {
  if (closed.has(name)) return Promise.resolve(false);
  return new Promise((resolve) => {
    try {
      process[name].write(text, (error) => {
        if (error) markClosed(name);
        resolve(!error);
      });
    } catch {
      markClosed(name);
      resolve(false);
    }
  });
}

/** Writes to stdout (results, `--json`); dropped once stdout is closed. */
export function out(text: string): void {
  void write("stdout", text);
}

/** Writes to stderr (progress, warnings); dropped once stderr is closed. */
export function err(text: string): void {
  void write("stderr", text);
}

/** A result that must reach someone: stdout while it works, else stderr (a pipe's reader may be gone). */
export async function outOrErr(text: string): Promise<void> {
  if (!(await write("stdout", text))) await write("stderr", text);
}

/** Calls `listener` when stdout or stderr turns out to be closed; returns the unsubscribe. */
export function onOutputClosed(listener: (name: Name) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
