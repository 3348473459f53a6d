import type { FleetConfigInput } from "./core/fleet-config";

/** The example app's fleet settings: where createApp() lives, and how a region proves it is healthy. */
export default {
  app: "app/index.ts",
  health: "/health",
  smoke: [
    { method: "GET", path: "/v1/greetings/fleet", status: 200 },
    { method: "POST", path: "/v1/echo", body: { message: "hi" }, status: 200 },
  ],
  openapi: "/openapi.json",
} satisfies FleetConfigInput;
