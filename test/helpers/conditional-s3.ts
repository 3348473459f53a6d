import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// s3rver ships no types; this is the part the tests use.
const S3rver = require("s3rver") as new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };

/** The credentials s3rver accepts. */
export const s3rverCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface ConditionalS3 {
  /** Where clients point (`FLEET_S3_ENDPOINT`). */
  endpoint: string;
  /** A client of the endpoint; `systemClockOffset` plays a machine whose clock is off by that many ms. */
  client(systemClockOffset?: number): S3Client;
  /** Moves the Date of every answer by this many ms: the store's clock, as a lease is measured, running ahead. */
  dateOffsetMs: number;
  /** s3rver itself, without the conditional writes: what the tests show s3rver does alone. */
  upstream: string;
  close(): Promise<void>;
}

/**
 * s3rver on 127.0.0.1 behind a small proxy that gives it S3's conditional writes, which s3rver ignores (it honours
 * If-None-Match on GET only): a PUT with `If-None-Match: *` on an existing key, or with `If-Match: <etag>` that is
 * not the key's ETag, answers 412 PreconditionFailed as S3 does (404 NoSuchKey for If-Match on a missing key); so
 * does a DELETE with `If-Match`. Writes to one key pass one at a time, so check-then-write is atomic here as S3
 * makes it. What the proxy cannot show is S3's own implementation of it (see README, "Locks").
 */
export async function startConditionalS3(directory: string, buckets: string[]): Promise<ConditionalS3> {
  const s3rver = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port: upstreamPort } = await s3rver.run();
  const upstream = `http://127.0.0.1:${upstreamPort}`;
  const clients: S3Client[] = [];
  const newClient = (endpoint: string, systemClockOffset = 0) => {
    const client = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1", credentials: s3rverCredentials, systemClockOffset });
    clients.push(client);
    return client;
  };
  const direct = newClient(upstream);
  const queues = new Map<string, Promise<void>>();
  const state: { dateOffsetMs: number } = { dateOffsetMs: 0 };

  const etagOf = async (path: string): Promise<string | undefined> => {
    const [bucket, ...key] = decodeURIComponent(path).slice(1).split("/");
    try {
      return (await direct.send(new HeadObjectCommand({ Bucket: bucket, Key: key.join("/") }))).ETag;
    } catch (error) {
      if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  };
  const refuse = (res: ServerResponse, status: number, code: string) => {
    res.writeHead(status, { "content-type": "application/xml" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code === "PreconditionFailed" ? "At least one of the pre-conditions you specified did not hold" : "The specified key does not exist."}</Message></Error>`);
  };
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => {
      const out = request(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const headers = { ...answer.headers };
        if (headers.date && state.dateOffsetMs !== 0) headers.date = new Date(Date.parse(headers.date) + state.dateOffsetMs).toUTCString();
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res).on("finish", resolve).on("error", reject);
      });
      out.on("error", reject);
      out.end(body);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? "/").split("?")[0]!;
      const writes = req.method === "PUT" || req.method === "DELETE";
      if (!writes) return void forward(req, body, res).catch(() => res.destroy());
      // One write at a time per key: the condition checked is the one the write meets.
      const previous = queues.get(path) ?? Promise.resolve();
      const turn = previous.then(async () => {
        const noneMatch = req.headers["if-none-match"];
        const match = req.headers["if-match"];
        if (noneMatch !== undefined || match !== undefined) {
          const etag = await etagOf(path);
          if (noneMatch === "*" && etag !== undefined) return refuse(res, 412, "PreconditionFailed");
          if (match !== undefined && etag === undefined) return refuse(res, 404, "NoSuchKey");
          if (match !== undefined && match !== "*" && match !== etag) return refuse(res, 412, "PreconditionFailed");
        }
        await forward(req, body, res);
      });
      queues.set(path, turn.catch(() => undefined));
      turn.catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    upstream,
    client: (offset) => newClient(endpoint, offset),
    get dateOffsetMs() {
      return state.dateOffsetMs;
    },
    set dateOffsetMs(value: number) {
      state.dateOffsetMs = value;
    },
    async close() {
      for (const client of clients) client.destroy();
      await new Promise((resolve) => server.close(resolve));
      await s3rver.close();
    },
  };
}
