import assert from "node:assert/strict";
import vm from "node:vm";
import request from "supertest";
import { docsPage } from "../../app/docs/page";
import type { OpenApiDocument } from "../../app/openapi";
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
