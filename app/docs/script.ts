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

  // The bounds a JSON Schema generator writes for any integer: noise to a reader, so not shown.
  var safeInteger = 9007199254740991;

  /** A short type for people: string, string[], "en" | "fr", map of string, Problem. */
  function typeLabel(doc, schema) {
    if (!schema) return "any";
    var resolved = resolve(doc, schema);
    if (resolved.name) return resolved.name;
    var s = resolved.schema;
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.enum) return s.enum.map(function (v) { return JSON.stringify(v); }).join(" | ");
    var variants = s.anyOf || s.oneOf;
    if (variants) return variants.map(function (v) { return typeLabel(doc, v); }).join(" | ");
    var type = Array.isArray(s.type) ? s.type.join(" | ") : s.type;
    if (type === "array") return typeLabel(doc, s.items) + "[]";
    if (type === "object" && !s.properties && s.additionalProperties && typeof s.additionalProperties === "object") {
      return "map of " + typeLabel(doc, s.additionalProperties);
    }
    return type || "any";
  }

  /** The limits of a value in words: length 1–64, at most 10 items, default "en". */
  function constraints(doc, schema) {
    var s = resolve(doc, schema).schema || {};
    var notes = [];
    function range(min, max, unit) {
      if (min !== undefined && max !== undefined) notes.push(unit + " " + min + "–" + max);
      else if (min !== undefined) notes.push(unit + " ≥ " + min);
      else if (max !== undefined) notes.push(unit + " ≤ " + max);
    }
    range(s.minLength, s.maxLength, "length");
    range(s.minItems, s.maxItems, "items");
    range(s.minimum === -safeInteger ? undefined : s.minimum, s.maximum === safeInteger ? undefined : s.maximum, "value");
    if (s.pattern) notes.push("pattern " + s.pattern);
    if (s.format) notes.push("format " + s.format);
    if (s.default !== undefined) notes.push("default " + JSON.stringify(s.default));
    if (s.type === "array" && s.items) {
      var each = constraints(doc, s.items);
      if (each.length) notes.push("each: " + each.join(", "));
    }
    return notes;
  }

  /** One row per field, nested objects (and arrays of objects) flattened as a.b and a[].b. */
  function fieldRows(doc, schema, prefix, rows) {
    var required = schema.required || [];
    Object.keys(schema.properties).forEach(function (key) {
      var prop = schema.properties[key];
      var inner = resolve(doc, prop).schema || {};
      rows.push({
        name: prefix + key,
        type: typeLabel(doc, prop),
        required: required.indexOf(key) !== -1,
        notes: constraints(doc, prop).join("; "),
        description: prop.description || inner.description || "",
      });
      var item = inner.type === "array" && inner.items ? resolve(doc, inner.items).schema : null;
      if (inner.properties) fieldRows(doc, inner, prefix + key + ".", rows);
      else if (item && item.properties) fieldRows(doc, item, prefix + key + "[].", rows);
    });
    return rows;
  }

  function fieldsTable(doc, schema) {
    var table = el("table", { class: "fields" }, [
      el("tr", null, [el("th", null, ["Field"]), el("th", null, ["Type"]), el("th", null, ["Required"]), el("th", null, ["Limits"]), el("th", null, ["Description"])]),
    ]);
    fieldRows(doc, schema, "", []).forEach(function (row) {
      table.appendChild(el("tr", { "data-field": row.name }, [
        el("td", null, [el("code", null, [row.name])]),
        el("td", null, [el("code", null, [row.type])]),
        el("td", null, [row.required ? "yes" : "no"]),
        el("td", null, [row.notes]),
        el("td", null, [row.description]),
      ]));
    });
    return table;
  }

  /** A schema as a field table (or its type), with the raw JSON Schema one click away. */
  function schemaBlock(doc, schema, isRequest) {
    var resolved = resolve(doc, schema);
    var s = resolved.schema || {};
    var block = el("div", { class: "schema" });
    if (resolved.name) block.appendChild(el("p", null, ["Schema ", el("code", null, [resolved.name])]));
    if (s.properties) {
      block.appendChild(fieldsTable(doc, s));
      if (s.additionalProperties === false) {
        block.appendChild(el("p", { class: "note" }, [isRequest ? "Any other field is rejected (400)." : "No other fields."]));
      }
    } else {
      var limits = constraints(doc, s);
      block.appendChild(el("p", null, ["Type ", el("code", null, [typeLabel(doc, s)])].concat(limits.length ? [" (" + limits.join("; ") + ")"] : [])));
      if (s.description) block.appendChild(el("p", null, [s.description]));
    }
    block.appendChild(el("details", { class: "json-schema" }, [el("summary", null, ["JSON Schema"]), el("pre", null, [JSON.stringify(s, null, 2)])]));
    return block;
  }

  function parametersBlock(doc, parameters) {
    var table = el("table", { class: "parameters" }, [
      el("tr", null, [el("th", null, ["Name"]), el("th", null, ["In"]), el("th", null, ["Required"]), el("th", null, ["Type"]), el("th", null, ["Limits"]), el("th", null, ["Description"])]),
    ]);
    parameters.forEach(function (p) {
      table.appendChild(el("tr", { "data-parameter": p.in + "." + p.name }, [
        el("td", null, [el("code", null, [p.name])]),
        el("td", null, [p.in]),
        el("td", null, [p.required ? "yes" : "no"]),
        el("td", null, [el("code", null, [typeLabel(doc, p.schema)])]),
        el("td", null, [constraints(doc, p.schema).join("; ")]),
        el("td", null, [p.description || ""]),
      ]));
    });
    return el("div", null, [el("h3", null, ["Parameters"]), table]);
  }

  function contentBlocks(doc, content, isRequest) {
    return Object.keys(content || {}).map(function (type) {
      return el("div", { class: "content" }, [el("p", null, ["Content type ", el("code", null, [type])]), schemaBlock(doc, content[type].schema, isRequest)]);
    });
  }

  function responsesBlock(doc, responses) {
    var list = el("div", { class: "responses" }, [el("h3", null, ["Responses"])]);
    Object.keys(responses).forEach(function (status) {
      var r = responses[status];
      // The success answer is what a reader looks for first: open it; errors stay one click away.
      var attrs = status.charAt(0) === "2" ? { "data-response": status, open: "" } : { "data-response": status };
      var item = el("details", attrs, [el("summary", null, [el("strong", null, [status]), " " + (r.description || "")])]);
      Object.keys(r.headers || {}).forEach(function (name) {
        item.appendChild(el("p", null, ["Header ", el("code", null, [name]), ": " + (r.headers[name].description || "")]));
      });
      contentBlocks(doc, r.content, false).forEach(function (b) { item.appendChild(b); });
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
        if (op.parameters && op.parameters.length) section.appendChild(parametersBlock(doc, op.parameters));
        if (op.requestBody) {
          var body = el("div", { class: "request-body" }, [el("h3", null, ["Request body" + (op.requestBody.required ? " (required)" : "")])]);
          contentBlocks(doc, op.requestBody.content, true).forEach(function (b) { body.appendChild(b); });
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
