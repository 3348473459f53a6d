import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import path from "node:path";

/** Stops watching. */
export interface TreeWatcher {
  close(): void;
}

/**
 * Names editors and tools write beside a file and never keep as source: swap and backup files (vim's `.x.swp`,
 * `x~` and its `4913` probe, emacs's `#x#` and `.#x`), JetBrains' safe-write copies, `sed -i`'s `sedXXXXXX`, and
 * dotfiles generally.
 */
export function isEditorTempFile(name: string): boolean {
  return (
    name.startsWith(".") ||
    name.endsWith("~") ||
    /^#.*#$/.test(name) ||
    /\.(swp|swx|swo|tmp|temp|bak|orig)$/i.test(name) ||
    /___jb_(tmp|old)___$/.test(name) ||
    /^\d+$/.test(name) ||
    /^sed[A-Za-z0-9]{6}$/.test(name)
  );
}

/** Folders never holding the app's source. */
const skippedDirs = new Set(["node_modules", ".git"]);

/**
 * Watches every folder under `root` (not each file): a save that writes a new file and renames it over the old one
 * (`sed -i`, most editors' safe save) is seen as a change of that name, and every later save too, where a watch on
 * the file itself would keep following the replaced inode. Folders created later are watched as they appear.
 * After `quietMs` without events, calls `onChange` with the files that changed: written, created, renamed into
 * place or deleted, never an editor's temporary file (one that did not exist before and is gone, or
 * {@link isEditorTempFile}).
 */
export function watchTree(root: string, onChange: (files: string[]) => void, quietMs: number): TreeWatcher {
  const watchers = new Map<string, FSWatcher>();
  const known = new Set<string>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = (file: string) => {
    if (closed) return;
    pending.add(file);
    clearTimeout(timer);
    timer = setTimeout(flush, quietMs);
  };

  /** Watches `dir` and everything under it; returns the files found (new ones, when the folder is new). */
  const add = (dir: string): string[] => {
    if (watchers.has(dir)) return [];
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
      const watcher = watch(dir, (_event, name) => schedule(name ? path.join(dir, String(name)) : dir));
      // A folder deleted or renamed away ends its watcher with an error: forget it, its parent reports the name.
      watcher.on("error", () => forget(dir));
      watchers.set(dir, watcher);
    } catch {
      return [];
    }
    const found: string[] = [];
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skippedDirs.has(entry.name) && !isEditorTempFile(entry.name)) found.push(...add(full));
      } else if (entry.isFile() && !isEditorTempFile(entry.name)) {
        known.add(full);
        found.push(full);
      }
    }
    return found;
  };

  const forget = (dir: string) => {
    for (const [watched, watcher] of watchers) {
      if (watched === dir || watched.startsWith(`${dir}${path.sep}`)) {
        watcher.close();
        watchers.delete(watched);
      }
    }
    const gone = [...known].filter((file) => file.startsWith(`${dir}${path.sep}`));
    for (const file of gone) known.delete(file);
    return gone;
  };

  const flush = () => {
    if (closed) return;
    const changed = new Set<string>();
    for (const file of pending) {
      const stats = statSync(file, { throwIfNoEntry: false });
      if (stats?.isDirectory()) {
        if (!isEditorTempFile(path.basename(file)) && !skippedDirs.has(path.basename(file))) for (const found of add(file)) changed.add(found);
      } else if (stats?.isFile()) {
        if (isEditorTempFile(path.basename(file))) continue;
        known.add(file);
        changed.add(file);
      } else if (known.delete(file)) {
        changed.add(file);
      } else if (watchers.has(file)) {
        for (const gone of forget(file)) changed.add(gone);
      }
    }
    pending = new Set();
    if (changed.size > 0) onChange([...changed].sort());
  };

  add(root);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}
