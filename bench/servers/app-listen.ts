/**
 * Child process of the emulator benchmark: the app of fleet.config.ts on plain `app.listen`, the baseline the
 * emulator is compared with. Sends `{ url }` over IPC once listening; stdout (the request log) is discarded by
 * the parent.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import type Koa from "koa";
import { loadFleetConfig } from "../../core/fleet-config";
import { repoRoot } from "../../core/paths";
import { answerCpuRequests } from "./cpu-usage";

async function main(): Promise<void> {
  const { createApp } = (await import(path.join(repoRoot, loadFleetConfig().app))) as { createApp: () => Koa };
  const server = createApp().listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo;
    process.send!({ url: `http://127.0.0.1:${port}/` });
  });
  answerCpuRequests();
  process.on("disconnect", () => server.close(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`app.listen server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
