import type { Command } from "../command";

/**
 * Every `fleet` subcommand, required on demand so `fleet check` never pays for the emulator or Pulumi.
 * Add a subcommand: one file in this folder exporting `default defineCommand({...})`, one line here.
 */
export const commands: Record<string, () => { default: Command<any> }> = {
  build: () => require("./build"),
  check: () => require("./check"),
  plan: () => require("./plan"),
  start: () => require("./start"),
  release: () => require("./release"),
  releases: () => require("./releases"),
  deploy: () => require("./deploy"),
  smoke: () => require("./smoke"),
  call: () => require("./call"),
  promote: () => require("./promote"),
  rollback: () => require("./rollback"),
  status: () => require("./status"),
  logs: () => require("./logs"),
  invoke: () => require("./invoke"),
  unlock: () => require("./unlock"),
  bootstrap: () => require("./bootstrap"),
  stage: () => require("./stage"),
  completion: () => require("./completion"),
};
