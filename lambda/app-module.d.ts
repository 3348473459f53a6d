/** The app module `fleet.config.ts` names; build/bundle.ts resolves `fleet:app` to it. */
declare module "fleet:app" {
  export const createApp: unknown;
}
