import assert from "node:assert/strict";
import { inflateSync } from "node:zlib";
import request from "supertest";
import { EchoResponse } from "../schemas/echo";
import { Greeting } from "../schemas/greetings";
import { Health } from "../schemas/health";
import { Whoami } from "../schemas/whoami";
import { fakeLambdaState, testConfig, testHandler, withLambdaState } from "./support";

describe("routes", () => {
  const app = testHandler();

  describe("GET /health", () => {
    it("answers ok with stage, region and release", async () => {
      const res = await request(app).get("/health").expect(200).expect("content-type", "application/json; charset=utf-8");
      assert.deepEqual(res.body, { status: "ok", stage: "dev", region: "eu-west-1", release: testConfig.release });
      Health.parse(res.body);
    });

    it("answers HEAD with 200, the JSON headers and no body", async () => {
      const res = await request(app).head("/health").expect(200);
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.deepEqual(res.body, {});
      assert.equal(res.text, undefined);
    });
  });

  describe("GET /v1/whoami", () => {
    it("reports the routed request, repeated query keys as arrays and the parsed cookies", async () => {
      const res = await request(app)
        .get("/v1/whoami?colour=red&size=1&size=2")
        .set("cookie", "theme=dark; note=a%20b; theme=light")
        .expect(200);
      const requestId = res.headers["x-request-id"];
      assert.match(String(requestId), /^[0-9a-f-]{36}$/);
      assert.deepEqual(res.body, {
        region: "eu-west-1",
        stage: "dev",
        requestId,
        sourceIp: res.body.sourceIp,
        method: "GET",
        path: "/v1/whoami",
        query: { colour: "red", size: ["1", "2"] },
        cookies: { theme: "dark", note: "a b" },
      });
      assert.match(res.body.sourceIp, /^(::ffff:)?127\.0\.0\.1$/, "the socket address outside Lambda");
      assert.equal(res.headers["set-cookie"], undefined);
      Whoami.parse(res.body);
    });

    it("sets two cookies with remember=1", async () => {
      const res = await request(app).get("/v1/whoami?remember=1").expect(200);
      assert.deepEqual(res.headers["set-cookie"], [
        "fleet_seen=1; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
        "fleet_region=eu-west-1; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
      ]);
      assert.deepEqual(res.body.query, { remember: "1" });
    });

    it("takes the request id and source IP from the Lambda state, never from client headers", async () => {
      const inLambda = withLambdaState(app, fakeLambdaState());
      const res = await request(inLambda)
        .get("/v1/whoami")
        .set("x-request-id", "client-chosen")
        .set("x-forwarded-for", "198.51.100.1")
        .expect(200);
      assert.equal(res.body.requestId, "apigw-request-id-123");
      assert.equal(res.body.sourceIp, "203.0.113.7");
      assert.equal(res.headers["x-request-id"], "apigw-request-id-123");
    });

    it("ignores a client x-request-id outside Lambda too", async () => {
      const res = await request(app).get("/v1/whoami").set("x-request-id", "client-chosen").expect(200);
      assert.notEqual(res.body.requestId, "client-chosen");
      assert.equal(res.headers["x-request-id"], res.body.requestId);
    });
  });

  describe("POST /v1/echo", () => {
    it("echoes the message and tags with the UTF-8 byte length", async () => {
      const res = await request(app).post("/v1/echo").send({ message: "héllo ✓", tags: ["a", "b"] }).expect(200);
      assert.deepEqual(res.body, { message: "héllo ✓", tags: ["a", "b"], bytes: 10 });
      EchoResponse.parse(res.body);
    });

    it("answers tags [] when the request has none", async () => {
      const res = await request(app).post("/v1/echo").send({ message: "x" }).expect(200);
      assert.deepEqual(res.body, { message: "x", tags: [], bytes: 1 });
    });

    it("accepts the limits exactly: 1000-character message and 10 tags of 32", async () => {
      const body = { message: "m".repeat(1000), tags: Array.from({ length: 10 }, () => "t".repeat(32)) };
      const res = await request(app).post("/v1/echo").send(body).expect(200);
      assert.deepEqual(res.body, { ...body, bytes: 1000 });
    });

    it("accepts a +json media type", async () => {
      const res = await request(app)
        .post("/v1/echo")
        .set("content-type", "application/merge-patch+json")
        .send(JSON.stringify({ message: "hi" }))
        .expect(200);
      assert.deepEqual(res.body, { message: "hi", tags: [], bytes: 2 });
    });
  });

  describe("GET /v1/greetings/:name", () => {
    const cases: [string, string][] = [
      ["", "Hello, Ada!"],
      ["?lang=en", "Hello, Ada!"],
      ["?lang=fr", "Bonjour, Ada!"],
      ["?lang=de", "Hallo, Ada!"],
    ];
    for (const [query, greeting] of cases) {
      it(`greets with ${JSON.stringify(greeting)} for ${query || "no lang"}`, async () => {
        const res = await request(app).get(`/v1/greetings/Ada${query}`).expect(200);
        assert.deepEqual(res.body, { greeting });
        Greeting.parse(res.body);
      });
    }

    it("decodes the name from the path", async () => {
      const res = await request(app).get("/v1/greetings/Zo%C3%AB%20K").expect(200);
      assert.deepEqual(res.body, { greeting: "Hello, Zoë K!" });
    });
  });

  describe("GET /v1/pixel.png", () => {
    it("sends a valid 1×1 PNG, cacheable", async () => {
      const res = await request(app)
        .get("/v1/pixel.png")
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      assert.equal(res.headers["content-type"], "image/png");
      assert.equal(res.headers["cache-control"], "public, max-age=86400, immutable");
      const png = res.body as Buffer;
      assert.equal(png.subarray(0, 8).toString("hex"), "89504e470d0a1a0a");
      const chunks = readPngChunks(png);
      assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
      for (const chunk of chunks) assert.equal(chunk.crc, crc32(Buffer.concat([Buffer.from(chunk.type), chunk.data])), chunk.type);
      const ihdr = chunks[0]!.data;
      assert.equal(ihdr.readUInt32BE(0), 1);
      assert.equal(ihdr.readUInt32BE(4), 1);
      // One scanline: filter byte + 4 RGBA bytes.
      assert.equal(inflateSync(chunks[1]!.data).length, 5);
    });
  });
});

interface PngChunk {
  type: string;
  data: Buffer;
  crc: number;
}

function readPngChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    chunks.push({
      type: png.subarray(offset + 4, offset + 8).toString("latin1"),
      data: png.subarray(offset + 8, offset + 8 + length),
      crc: png.readUInt32BE(offset + 8 + length),
    });
    offset += 12 + length;
  }
  return chunks;
}

// zlib.crc32 is Node 22+; the PNG CRC is the standard reflected CRC-32.
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
