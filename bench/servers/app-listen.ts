/**
 * Child process of the emulator benchmark: the fleet app on plain `app.listen`, the baseline the emulator is
 * compared with. Sends `{ url }` over IPC once listening; stdout (the request log) is discarded by the parent.
 */
import type { AddressInfo } from "node:net";
import { createApp } from "../../app";

const server = createApp().listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send!({ url: `http://127.0.0.1:${port}/` });
});
process.on("disconnect", () => server.close(() => process.exit(0)));
