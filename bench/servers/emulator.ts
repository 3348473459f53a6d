/**
 * Child process of the emulator benchmark: one local REST endpoint (API Gateway emulation in front of the built
 * bundle). argv: <bundle file>. Sends `{ url }` over IPC once listening. The function's log lines are written by
 * its worker to this process's stdout, which the benchmark discards, as it discards app-listen's.
 */
import { startEmulator } from "../../emulator";
import { answerCpuRequests } from "./cpu-usage";

async function main(): Promise<void> {
  const bundleFile = process.argv[2];
  if (!bundleFile) throw new Error("usage: servers/emulator.ts <bundle file>");
  const emulator = await startEmulator({
    endpoints: [
      {
        key: "123456789012/eu-west-1",
        account: "123456789012",
        region: "eu-west-1",
        port: 0,
        api: "rest",
        stage: "bench",
        bundleFile,
        env: { FLEET_STAGE: "bench", FLEET_LOG_LEVEL: "info" },
      },
    ],
    functionOutputFd: 1,
  });
  answerCpuRequests();
  process.send!({ url: emulator.endpoints[0]!.url });
  process.on("disconnect", () => void emulator.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator server failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
