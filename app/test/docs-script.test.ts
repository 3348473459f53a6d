import assert from "node:assert/strict";
import vm from "node:vm";
import request from "supertest";
import { docsPage } from "../docs/page";
import type { OpenApiDocument } from "../openapi";
import { testHandler } from "./support";

/** Just enough of the DOM for docs.js: elements with attributes, children and text. */
class FakeNode {
  attributes = new Map<string, string>();
  children: FakeNode[] = [];
  constructor(readonly tag: string, public text = "") {}
  setAttribute(name: string, value: string) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name: string) {
    return this.attributes.get(name) ?? null;
  }
  appendChild(child: FakeNode) {
    this.children.push(child);
    return child;
  }
  set textContent(value: string) {
    this.text = value;
    this.children = [];
  }
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join("");
  }
  *walk(): Generator<FakeNode> {
    yield this;
    for (const child of this.children) yield* child.walk();
  }
}

/** Runs docs.js against the app's real openapi.json and returns the rendered #operations. */
async function render(app: ReturnType<typeof testHandler>): Promise<{ main: FakeNode; toc: FakeNode; fetched: string[] }> {
  const script = (await request(app).get("/docs.js").expect(200)).text;
  const ids = [...docsPage.matchAll(/id="([^"]+)"/g)].map((m) => m[1]!);
  const byId = new Map(ids.map((id) => [id, new FakeNode("div")]));
  const fetched: string[] = [];
  const document = {
    getElementById: (id: string) => byId.get(id) ?? null,
    createElement: (tag: string) => new FakeNode(tag),
    createTextNode: (text: string) => new FakeNode("#text", text),
  };
  const fetch = async (url: string) => {
    fetched.push(url);
    const res = await request(app).get(`/${url}`);
    return { ok: res.status === 200, status: res.status, json: async () => res.body as OpenApiDocument };
  };
  vm.runInNewContext(script, { document, fetch, String, JSON, Object });
  const main = byId.get("operations")!;
  for (let i = 0; i < 100 && main.getAttribute("data-state") === null; i++) await new Promise((r) => setTimeout(r, 5));
  return { main, toc: byId.get("toc")!, fetched };
}

describe("docs.js", () => {
  it("fetches openapi.json relatively and renders one data-operation element per documented operation", async () => {
    const app = testHandler();
    const doc = (await request(app).get("/openapi.json")).body as OpenApiDocument;
    const { main, toc, fetched } = await render(app);
    assert.deepEqual(fetched, ["openapi.json"]);
    assert.equal(main.getAttribute("data-state"), "ready");
    const rendered = [...main.walk()].map((n) => n.getAttribute("data-operation")).filter((v): v is string => v !== null);
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual(rendered.sort(), documented.sort());
    assert.ok(rendered.includes("GET /v1/greetings/{name}"));
    assert.equal(toc.children.length, documented.length);
  });

  it("shows each operation's summary, parameters, request body schema and responses", async () => {
    const { main } = await render(testHandler());
    const section = (label: string) => [...main.walk()].find((n) => n.getAttribute("data-operation") === label)!;
    const greeting = section("GET /v1/greetings/{name}");
    const text = greeting.textContent;
    assert.match(text, /Greet someone by name/);
    const params = [...greeting.walk()].map((n) => n.getAttribute("data-parameter")).filter(Boolean);
    assert.deepEqual(params, ["path.name", "query.lang"]);
    const responses = [...greeting.walk()].map((n) => n.getAttribute("data-response")).filter(Boolean);
    assert.deepEqual(responses, ["200", "400", "405", "500"]);
    const echo = section("POST /v1/echo").textContent;
    assert.match(echo, /Request body \(required\)/);
    assert.match(echo, /"maxItems": 10/);
    assert.match(echo, /application\/problem\+json/);
    assert.match(echo, /Schema Problem/);
  });

  it("shows bodies and parameters as field tables (type, required, limits), not raw JSON Schema", async () => {
    const { main } = await render(testHandler());
    const section = (label: string) => [...main.walk()].find((n) => n.getAttribute("data-operation") === label)!;
    const rows = (node: FakeNode, attribute: string) =>
      [...node.walk()].filter((n) => n.getAttribute(attribute) !== null).map((row) => row.children.map((cell) => cell.textContent));
    const echo = section("POST /v1/echo");
    const body = [...echo.walk()].find((n) => n.getAttribute("class") === "request-body")!;
    assert.deepEqual(rows(body, "data-field"), [
      ["message", "string", "yes", "length 1–1000", ""],
      ["tags", "string[]", "no", "items ≤ 10; each: length 1–32", ""],
    ]);
    assert.match(body.textContent, /Any other field is rejected \(400\)/);
    const problem = [...echo.walk()].find((n) => n.getAttribute("data-response") === "400")!;
    assert.deepEqual(rows(problem, "data-field").map((row) => row.slice(0, 4)), [
      ["type", "string", "yes", ""],
      ["title", "string", "yes", ""],
      ["status", "integer", "yes", "value 400–599"],
      ["detail", "string", "yes", ""],
      ["requestId", "string", "yes", ""],
      ["errors", "object[]", "no", ""],
      ["errors[].path", "string", "yes", ""],
      ["errors[].message", "string", "yes", ""],
    ]);
    assert.deepEqual(rows(section("GET /v1/greetings/{name}"), "data-parameter"), [
      ["name", "path", "yes", "string", "length 1–64", "Who to greet, 1-64 characters"],
      ["lang", "query", "no", '"en" | "fr" | "de"', 'default "en"', ""],
    ]);
    // The success answer is open; errors are one click away.
    assert.equal([...echo.walk()].find((n) => n.getAttribute("data-response") === "200")?.getAttribute("open"), "");
    assert.equal(problem.getAttribute("open"), null);
  });

  it("marks the page as failed when openapi.json cannot be loaded", async () => {
    const app = testHandler();
    const script = (await request(app).get("/docs.js")).text;
    const main = new FakeNode("main");
    const document = {
      getElementById: (id: string) => (id === "operations" ? main : new FakeNode("div")),
      createElement: (tag: string) => new FakeNode(tag),
      createTextNode: (text: string) => new FakeNode("#text", text),
    };
    vm.runInNewContext(script, { document, fetch: async () => ({ ok: false, status: 503 }), String, JSON, Object });
    for (let i = 0; i < 100 && main.getAttribute("data-state") === null; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(main.getAttribute("data-state"), "error");
    assert.match(main.textContent, /openapi\.json answered 503/);
  });
});
