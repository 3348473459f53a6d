import { readFileSync } from "node:fs";
import path from "node:path";
import type { Plugin } from "esbuild";

/** Common type prefixes, written as `<index>~` in the generated tables (a third of their size). */
const prefixes = [
  "application/vnd.", "application/x-", "application/", "image/vnd.", "image/x-", "image/", "text/x-", "text/",
  "audio/x-", "audio/", "video/x-", "video/", "model/", "font/", "chemical/x-", "message/", "multipart/",
];

/** A mime-db entry as `db.json` has it. */
interface MimeDbEntry {
  source?: string;
  charset?: string;
  extensions?: string[];
}
type MimeDb = Record<string, MimeDbEntry>;

/** The maps a mime-types module fills at load (`exports.extensions`, `exports.types`). */
interface MimeMaps {
  extensions: Record<string, string[]>;
  types: Record<string, string>;
}

/** The three statements of mime-types (2.x and 3.x) this plugin replaces; each must occur exactly once. */
const requireDb = "var db = require('mime-db')";
const populate = "populateMaps(exports.extensions, exports.types)";
const lookupType = "return exports.types[extension] || false";

/**
 * Extensions answered without decoding the table: koa's own (`ctx.body =` an object, a string or a Buffer sets
 * `ctx.type` to `json`, `html`, `text` or `bin`, looked up on every such answer) and a few common ones. Decoding
 * the table costs ~27M instructions, ~10% of a cold start, on the first JSON answer.
 */
const commonExtensions = ["json", "html", "text", "bin", "txt", "js", "css", "xml", "png", "jpg", "svg", "pdf", "csv"];

/**
 * esbuild plugin: every copy of `mime-types` in the bundle (koa's 3.x, accepts' 2.x) keeps its own code but gets
 * its lookup maps precomputed at build time instead of scanning ~2,500 mime-db entries at load (~6-10 ms of every
 * cold start), and its `db` shrinks to the ~40 types that carry a charset (all `charset()` reads). mime-db itself
 * leaves the bundle (two copies, ~280 KB). The maps are what each version's own `populateMaps` computes from the
 * project's top-level mime-db, decoded on first use; test/robustness/mime-types.test.ts compares every call with
 * the unmodified modules.
 * @param dbFile the mime-db `db.json` to use. @default the top-level one
 */
export function precomputedMimeTypes(dbFile: string = require.resolve("mime-db/db.json")): Plugin {
  return {
    name: "fleet-precomputed-mime-types",
    setup(build) {
      const db = JSON.parse(readFileSync(dbFile, "utf8")) as MimeDb;
      // What every mime-types version puts in `exports.extensions`: each type with extensions, in mime-db order.
      const extensions = Object.fromEntries(Object.entries(db).flatMap(([type, entry]) => (entry.extensions ? [[type, entry.extensions]] : [])));
      build.onResolve({ filter: /^fleet-mime-maps$/ }, () => ({ path: "fleet-mime-maps", namespace: "fleet-precomputed-mime-types" }));
      build.onLoad({ filter: /.*/, namespace: "fleet-precomputed-mime-types" }, () => ({ contents: sharedModule(extensions, db), loader: "js" }));
      build.onLoad({ filter: /[\\/]node_modules[\\/](.*[\\/])?mime-types[\\/]index\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        for (const statement of [requireDb, populate, lookupType]) {
          if (source.split(statement).length !== 2) {
            throw new Error(`build/precomputed-mime-types.ts: expected "${statement}" once in ${args.path}; mime-types changed, review the plugin`);
          }
        }
        const maps = computeMaps(source, path.dirname(args.path), db);
        if (JSON.stringify(maps.extensions) !== JSON.stringify(extensions)) {
          throw new Error(`build/precomputed-mime-types.ts: ${args.path} builds its extension map differently; review the plugin`);
        }
        const common = Object.fromEntries(commonExtensions.map((ext) => [ext, maps.types[ext]]).filter(([, type]) => type !== undefined));
        const contents = source
          .replace(requireDb, `var db = require("fleet-mime-maps").charsets`)
          .replace(populate, `;var fleetTypeOf = require("fleet-mime-maps").install(exports, ${JSON.stringify(typeOverrides(maps))}, ${JSON.stringify(common)})`)
          .replace(lookupType, "return fleetTypeOf(extension) || false");
        return { contents, loader: "js", resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/** Runs a mime-types module's own code (with `db` as its mime-db) and returns the maps it filled. */
export function computeMaps(source: string, dir: string, db: MimeDb): MimeMaps {
  const exports: Record<string, unknown> = {};
  const localRequire = (id: string) => (id === "mime-db" ? db : require(id.startsWith(".") ? path.join(dir, id) : id));
  new Function("exports", "require", "module", source)(exports, localRequire, { exports });
  return { extensions: exports.extensions as MimeMaps["extensions"], types: exports.types as MimeMaps["types"] };
}

/** `{ type: { charset } }` for the types mime-db gives a charset: everything `charset()` reads from `db`. */
function charsetTable(db: MimeDb): Record<string, { charset: string }> {
  return Object.fromEntries(Object.entries(db).flatMap(([type, entry]) => (entry.charset ? [[type, { charset: entry.charset }]] : [])));
}

/** Codes a type's common prefix as `<index>~`. */
function codeType(type: string): string {
  if (/[|,\n~]/.test(type)) throw new Error(`mime type ${type} holds a separator character; build/precomputed-mime-types.ts cannot encode it`);
  const prefix = prefixes.findIndex((candidate) => type.startsWith(candidate));
  return prefix === -1 ? type : `${prefix}~${type.slice(prefixes[prefix]!.length)}`;
}

/**
 * The extensions whose type in `maps.types` is not the first type listing them (mime-types' source preference
 * decides those), as `ext|type` lines.
 */
function typeOverrides(maps: MimeMaps): string {
  const firstListing: Record<string, string> = {};
  for (const [type, exts] of Object.entries(maps.extensions)) for (const ext of exts) firstListing[ext] ??= type;
  const missing = Object.keys(firstListing).filter((ext) => !(ext in maps.types));
  if (missing.length > 0) throw new Error(`mime-types left extensions without a type (${missing.join(", ")}); build/precomputed-mime-types.ts cannot encode that`);
  return Object.entries(maps.types)
    .filter(([ext, type]) => firstListing[ext] !== type)
    .map(([ext, type]) => `${ext}|${codeType(type)}`)
    .join("\n");
}

/**
 * The module both mime-types copies share: the charset table (their `db`) and `install(exports, overrides)`,
 * which gives a copy `extensions` and `types` maps rebuilt from one `type|ext,ext` line per type on first access
 * (the table is decoded once for both). Plain JavaScript, so what ships does not depend on how this file was
 * transpiled.
 */
function sharedModule(extensions: Record<string, string[]>, db: MimeDb): string {
  const lines = Object.entries(extensions).map(([type, exts]) => `${codeType(type)}|${exts.join(",")}`);
  return `"use strict";
var prefixList = ${JSON.stringify(prefixes)};
var table = ${JSON.stringify(lines.join("\n"))};
function decode(coded) {
  var tilde = coded.indexOf("~");
  return tilde === -1 ? coded : prefixList[Number(coded.slice(0, tilde))] + coded.slice(tilde + 1);
}
exports.charsets = ${JSON.stringify(charsetTable(db))};
// Both mime-types copies share one decoded table, decoded on the first lookup rather than at load: decoding
// costs ~2.5 ms of cold code per copy, and a JSON answer needs only koa's copy.
var shared;
function sharedMaps() {
  if (shared) return shared;
  shared = { extensions: Object.create(null), types: Object.create(null) };
  var lines = table.split("\\n");
  for (var i = 0; i < lines.length; i++) {
    var bar = lines[i].indexOf("|");
    var type = decode(lines[i].slice(0, bar));
    var exts = lines[i].slice(bar + 1).split(",");
    shared.extensions[type] = exts;
    for (var j = 0; j < exts.length; j++) if (!(exts[j] in shared.types)) shared.types[exts[j]] = type;
  }
  return shared;
}
// Defines \`name\` to be computed by \`load\` on first read, then a plain data property (also when assigned first).
function lazyProperty(target, name, load, settled) {
  function settle(value) {
    if (settled) settled();
    Object.defineProperty(target, name, { value: value, writable: true, enumerable: true, configurable: true });
    return value;
  }
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: true,
    get: function () { return settle(load()); },
    set: settle,
  });
}
// Gives a mime-types module its \`extensions\` and \`types\` maps, filled on first access; \`overrides\` lists
// the extensions whose type this version picks differently from the first listing ("ext|coded type" lines).
// Returns the module's type lookup: \`common\` (this version's own answers for a few extensions) answers while
// \`types\` was never read nor replaced, so a JSON answer never decodes the table.
exports.install = function install(target, overrides, common) {
  lazyProperty(target, "extensions", function () { return sharedMaps().extensions; });
  var pristine = true;
  lazyProperty(target, "types", function () {
    var types = Object.assign(Object.create(null), sharedMaps().types);
    if (overrides !== "") {
      overrides.split("\\n").forEach(function (line) {
        var bar = line.indexOf("|");
        types[line.slice(0, bar)] = decode(line.slice(bar + 1));
      });
    }
    return types;
  }, function () { pristine = false; });
  return function typeOf(extension) {
    return pristine && Object.hasOwn(common, extension) ? common[extension] : target.types[extension];
  };
};
`;
}
