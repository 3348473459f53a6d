/**
 * Renders openapi.json (fetched relative to the page) as a list of operations, each in an element with
 * `data-operation="<METHOD> <path>"`. Builds DOM nodes with textContent only: nothing from the document is
 * ever parsed as HTML. Sets `data-state` on #operations to "ready" or "error" when done.
 */
export const docsScript = `"use strict";
(function () {
  var main = document.getElementById("operations");
  var toc = document.getElementById("toc");
  var about = document.getElementById("about");
  var methods = ["get", "head", "post", "put", "patch", "delete", "options"];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) node.setAttribute(key, attrs[key]);
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function resolve(doc, schema) {
    if (schema && typeof schema.$ref === "string" && schema.$ref.indexOf("#/components/schemas/") === 0) {
      var name = schema.$ref.slice("#/components/schemas/".length);
      return { name: name, schema: (doc.components && doc.components.schemas && doc.components.schemas[name]) || schema };
    }
    return { name: null, schema: schema };
  }

  function schemaBlock(doc, schema) {
    var resolved = resolve(doc, schema);
    var block = el("div", { class: "schema" });
    if (resolved.name) block.appendChild(el("p", null, ["Schema ", el("code", null, [resolved.name])]));
    block.appendChild(el("pre", null, [JSON.stringify(resolved.schema, null, 2)]));
    return block;
  }

  function parametersBlock(parameters) {
    var table = el("table", { class: "parameters" }, [
      el("tr", null, [el("th", null, ["Name"]), el("th", null, ["In"]), el("th", null, ["Required"]), el("th", null, ["Schema"]), el("th", null, ["Description"])]),
    ]);
    parameters.forEach(function (p) {
      table.appendChild(el("tr", { "data-parameter": p.in + "." + p.name }, [
        el("td", null, [el("code", null, [p.name])]),
        el("td", null, [p.in]),
        el("td", null, [p.required ? "yes" : "no"]),
        el("td", null, [el("code", null, [JSON.stringify(p.schema)])]),
        el("td", null, [p.description || ""]),
      ]));
    });
    return el("div", null, [el("h3", null, ["Parameters"]), table]);
  }

  function contentBlocks(doc, content) {
    return Object.keys(content || {}).map(function (type) {
      return el("div", { class: "content" }, [el("p", null, ["Content type ", el("code", null, [type])]), schemaBlock(doc, content[type].schema)]);
    });
  }

  function responsesBlock(doc, responses) {
    var list = el("div", { class: "responses" }, [el("h3", null, ["Responses"])]);
    Object.keys(responses).forEach(function (status) {
      var r = responses[status];
      var item = el("details", { "data-response": status }, [el("summary", null, [el("strong", null, [status]), " " + (r.description || "")])]);
      Object.keys(r.headers || {}).forEach(function (name) {
        item.appendChild(el("p", null, ["Header ", el("code", null, [name]), ": " + (r.headers[name].description || "")]));
      });
      contentBlocks(doc, r.content).forEach(function (b) { item.appendChild(b); });
      list.appendChild(item);
    });
    return list;
  }

  function render(doc) {
    about.textContent = (doc.info.description || "") + " Version " + doc.info.version + ".";
    var count = 0;
    Object.keys(doc.paths).forEach(function (path) {
      methods.forEach(function (method) {
        var op = doc.paths[path][method];
        if (!op) return;
        count += 1;
        var id = "op-" + (op.operationId || count);
        var label = method.toUpperCase() + " " + path;
        var section = el("section", { class: "operation", id: id, "data-operation": label }, [
          el("h2", null, [el("span", { class: "method " + method }, [method.toUpperCase()]), " ", el("code", { class: "path" }, [path])]),
          el("p", { class: "summary" }, [op.summary || ""]),
        ]);
        if (op.description) section.appendChild(el("p", { class: "description" }, [op.description]));
        if (op.parameters && op.parameters.length) section.appendChild(parametersBlock(op.parameters));
        if (op.requestBody) {
          var body = el("div", { class: "request-body" }, [el("h3", null, ["Request body" + (op.requestBody.required ? " (required)" : "")])]);
          contentBlocks(doc, op.requestBody.content).forEach(function (b) { body.appendChild(b); });
          section.appendChild(body);
        }
        section.appendChild(responsesBlock(doc, op.responses || {}));
        main.appendChild(section);
        toc.appendChild(el("li", null, [el("a", { href: "#" + id }, [label])]));
      });
    });
    main.setAttribute("data-state", "ready");
    main.setAttribute("data-operation-count", String(count));
  }

  fetch("openapi.json", { headers: { accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) throw new Error("openapi.json answered " + response.status);
      return response.json();
    })
    .then(render)
    .catch(function (err) {
      main.setAttribute("data-state", "error");
      main.appendChild(el("p", { class: "error" }, ["Could not load the API description: " + err.message]));
    });
})();
`;
