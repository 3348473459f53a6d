import type { AppConfig } from "./config";

/** The `info` object of the OpenAPI document: the only part that depends on where the app runs. */
export function openApiInfo(config: AppConfig): { title: string; version: string; description: string } {
  return {
    title: "fleet",
    version: config.release,
    description: `The fleet example API (stage ${config.stage}, region ${config.region}). Errors are RFC 9457 problem+json.`,
  };
}
