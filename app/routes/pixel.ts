import { defineRoute } from "./define-route";

/** A 1×1 transparent PNG (70 bytes): exercises binary responses through API Gateway. */
const pixelBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

let pixel: Buffer | undefined;

/** GET /v1/pixel.png: a real image, cacheable for a day. */
export function pixelRoutes() {
  return [
    defineRoute({
      method: "GET",
      path: "/v1/pixel.png",
      operationId: "getPixel",
      summary: "A 1×1 transparent PNG (binary response)",
      tag: "pixel",
      responses: {
        200: {
          description: "The image",
          media: { contentType: "image/png", schema: { type: "string", contentMediaType: "image/png" } },
          headers: { "cache-control": "public, max-age=86400, immutable" },
        },
      },
      handler(ctx) {
        pixel ??= Buffer.from(pixelBase64, "base64");
        ctx.type = "image/png";
        ctx.set("cache-control", "public, max-age=86400, immutable");
        ctx.body = pixel;
      },
    }),
  ];
}
