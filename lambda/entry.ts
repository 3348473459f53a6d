/**
 * The Lambda entry point of every app: `fleet:app` is the module `fleet.config.ts` names (build/bundle.ts resolves
 * it), created once per cold start; `fleet:settings` is what the build decided (the docs). The app knows nothing
 * of Lambda; this file is all the glue there is.
 */
import path from "node:path";
import type Koa from "koa";
import * as appModule from "fleet:app";
import * as settings from "fleet:settings";
import { createHandler } from "./create-handler";

/** The app module is not what fleet.config.ts promises; Lambda reports it as an init error under this name. */
class AppModuleError extends Error {
  override name = "AppModuleError";
}

/** The app's Koa instance, or an init error that says what the module must export. */
function appOf(module: { createApp?: unknown }): Koa {
  if (typeof module.createApp !== "function") {
    throw new AppModuleError("the app module (fleet.config.ts `app`) does not export createApp(). Fix: export function createApp() { return new Koa() ... }");
  }
  const app: unknown = module.createApp();
  if (typeof app !== "object" || app === null || typeof (app as { callback?: unknown }).callback !== "function") {
    throw new AppModuleError("createApp() did not return a Koa application. Fix: return the `new Koa()` instance, with its middleware mounted");
  }
  return app as Koa;
}

export const handler = createHandler(appOf(appModule), {
  basePath: process.env.FLEET_BASE_PATH,
  // __dirname is the directory of the bundle's index.js, where the build wrote the docs assets.
  docs: settings.docs ? { ...settings.docs, assetDir: path.join(__dirname, settings.docs.assetDir) } : undefined,
});
