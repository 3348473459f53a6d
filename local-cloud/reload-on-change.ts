import path from "node:path";
import type { Emulator, EndpointConfig } from "../emulator/index";
import { watchTree } from "./watch-tree";

/** What {@link reloadOnChange} needs: where the source is, how to build it, and what to swap. */
export interface ReloadOptions {
  /** Folders watched recursively (the app's source), across rename-style saves; editors' temp files are ignored. */
  dirs: readonly string[];
  /** Builds the bundle and resolves with its file; a rejection keeps the previous build serving. */
  rebuild: () => Promise<string>;
  emulator: Emulator;
  /** The endpoints being served: each keeps its own environment across reloads. */
  endpoints: readonly EndpointConfig[];
  /** Progress and build errors, one message per call. */
  progress: (line: string) => void;
  /**
   * Quiet time after the last change before building: an editor's save is often several writes.
   * @default 150
   */
  debounceMs?: number;
}

/** Stops watching; resolves once a build in progress has finished. */
export interface Reloader {
  close(): Promise<void>;
}

/**
 * Rebuilds and swaps every endpoint's function when a source file changes, as `serverless-offline` reloads
 * handlers: one build at a time (changes during a build cause one more), requests in flight finish on the old
 * code (Emulator.replace), and a failed build leaves the previous one serving: its message (the build's problems)
 * is printed with the one thing to do, save again.
 */
export function reloadOnChange(options: ReloadOptions): Reloader {
  const debounceMs = options.debounceMs ?? 150;
  let building: Promise<void> | undefined;
  let again = false;
  let changed = new Set<string>();
  let closed = false;

  const reload = async (): Promise<void> => {
    const files = [...changed].sort();
    changed = new Set();
    const started = Date.now();
    try {
      const bundleFile = await options.rebuild();
      if (closed) return;
      for (const endpoint of options.endpoints) await options.emulator.replace(endpoint.key, { bundleFile, env: endpoint.env });
      options.progress(`reloaded ${options.endpoints.length} endpoint(s) in ${Date.now() - started} ms after changes to ${files.join(", ")}`);
    } catch (error) {
      options.progress(`${(error as Error).message}\nstill serving the previous build: fix the problems above and save again`);
    }
  };

  const schedule = () => {
    if (building) {
      again = true;
      return;
    }
    building = reload().finally(() => {
      building = undefined;
      if (again && !closed) {
        again = false;
        schedule();
      }
    });
  };

  const watchers = options.dirs.map((dir) =>
    watchTree(
      dir,
      (files) => {
        if (closed) return;
        for (const file of files) changed.add(path.relative(process.cwd(), file));
        schedule();
      },
      debounceMs,
    ),
  );

  return {
    async close() {
      closed = true;
      for (const watcher of watchers) watcher.close();
      await building;
    },
  };
}
