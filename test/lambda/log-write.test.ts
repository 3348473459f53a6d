import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { once } from "node:events";
import type { Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { type StdioStream, writeLine } from "../../lambda/middleware/logger";

/** A stand-in for process.stdout: its write is the prototype's, as on the real stream, and records each chunk. */
class RecordingStream implements StdioStream {
  readonly chunks: string[] = [];
  constructor(
    readonly fd: number | undefined,
    readonly writableLength = 0,
  ) {}
  write(chunk: string | Uint8Array): boolean {
    this.chunks.push(Buffer.from(chunk).toString());
    return true;
  }
}

describe("the log line's write (writeLine)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), "fleet-log-write-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function withFile(name: string, flags: string, use: (fd: number, file: string) => void): void {
    const file = path.join(dir, name);
    closeSync(openSync(file, "w"));
    const fd = openSync(file, flags);
    try {
      use(fd, file);
    } finally {
      closeSync(fd);
    }
  }

  it("writes the whole line to the stream's file descriptor, not through the stream, when nothing is queued", () => {
    withFile("direct", "a", (fd, file) => {
      const stream = new RecordingStream(fd);
      writeLine(stream, '{"message":"één"}\n');
      writeLine(stream, '{"message":"two"}\n');
      assert.equal(readFileSync(file, "utf8"), '{"message":"één"}\n{"message":"two"}\n');
      assert.deepEqual(stream.chunks, []);
    });
  });

  it("goes through the stream when it holds queued bytes, so the line never overtakes them", () => {
    withFile("queued", "a", (fd, file) => {
      const stream = new RecordingStream(fd, 10);
      writeLine(stream, "line\n");
      assert.equal(readFileSync(file, "utf8"), "");
      assert.deepEqual(stream.chunks, ["line\n"]);
    });
  });

  it("hands the line to the stream when the direct write fails (here EBADF: a descriptor open for reading only)", () => {
    withFile("read-only", "r", (fd, file) => {
      const stream = new RecordingStream(fd);
      writeLine(stream, "line\n");
      assert.equal(readFileSync(file, "utf8"), "");
      assert.deepEqual(stream.chunks, ["line\n"]);
    });
  });

  it("gives every line to a write set on the stream itself (a test's capture, an agent forwarding stdout)", () => {
    withFile("patched", "a", (fd, file) => {
      const stream = new RecordingStream(fd);
      const seen: string[] = [];
      Object.defineProperty(stream, "write", { value: (chunk: string) => seen.push(chunk), configurable: true });
      writeLine(stream, "line\n");
      assert.equal(readFileSync(file, "utf8"), "");
      assert.deepEqual(seen, ["line\n"]);
    });
  });

  it("on a full non-blocking pipe, sends what the direct write left through the stream: the reader gets every byte once, in order", async () => {
    // The child reads nothing for a moment, so the pipe fills; then it copies what it reads to its stdout.
    const child = spawn("sh", ["-c", "sleep 1; cat"], { stdio: ["pipe", "pipe", "inherit"] });
    const received: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => received.push(chunk));
    const socket = child.stdin as Socket & { _handle: { fd: number } };
    const pipe = new (class implements StdioStream {
      readonly fd = socket._handle.fd;
      get writableLength() {
        return socket.writableLength;
      }
      write(chunk: string | Uint8Array) {
        return socket.write(chunk);
      }
    })();
    // Lines larger than the pipe's buffer (Node's stdio pipes are socket pairs, ~200 KiB here): the kernel takes
    // part of the first (a partial write), then refuses the next with EAGAIN.
    const lines = ["a", "b", "c"].map((letter) => `${letter.repeat(1_000_000)}\n`);
    for (const line of lines) writeLine(pipe, line);
    assert.ok(socket.writableLength > 0, "the pipe should have been full, leaving bytes queued in the stream");
    socket.end();
    await once(child, "close");
    assert.equal(Buffer.concat(received).toString(), lines.join(""));
  });
});
