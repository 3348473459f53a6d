/** The app module `fleet.config.ts` names; build/bundle.ts resolves `fleet:app` to it. */
declare module "fleet:app" {
  export const createApp: unknown;
}

/** What the build knows that the bundle needs (build/bundle.ts writes this module, fixed for one build). */
declare module "fleet:settings" {
  /**
   * Set when fleet.config.ts has `openapi`: where the app serves the document, the name of Scalar's bundle and
   * the directory (relative to index.js's) the build wrote it into. Null otherwise (no `/docs`, no files).
   */
  export const docs: { openapi: string; scalarFile: string; assetDir: string } | null;
}
