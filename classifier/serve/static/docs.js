// A small reader of this server's own OpenAPI document: no Swagger UI, nothing from a CDN.
"use strict";

function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function describe(spec) {
  const root = document.getElementById("api");
  root.replaceChildren();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const section = element("section");
      section.appendChild(element("h2", `${method.toUpperCase()} ${path}`));
      section.appendChild(element("p", op.summary || ""));
      for (const p of op.parameters || []) {
        section.appendChild(element("p", `query ${p.name}${p.description ? ": " + p.description : ""}`, "hint"));
      }
      if (op.requestBody) {
        section.appendChild(element("h3", "Request body"));
        for (const [type, media] of Object.entries(op.requestBody.content)) {
          section.appendChild(element("p", type, "hint"));
          const props = (media.schema && media.schema.properties) || {};
          const list = element("ul");
          for (const [name, prop] of Object.entries(props)) {
            list.appendChild(element("li", `${name} (${prop.type || "string"})${prop.description ? ": " + prop.description : ""}`));
          }
          if (list.childElementCount) section.appendChild(list);
        }
      }
      section.appendChild(element("h3", "Responses"));
      const list = element("ul");
      for (const [code, response] of Object.entries(op.responses)) {
        list.appendChild(element("li", `${code}: ${response.description}`));
      }
      section.appendChild(list);
      root.appendChild(section);
    }
  }
}

const origin = window.location.origin;
document.getElementById("examples").textContent = [
  `curl -s ${origin}/v1/classify -H 'Content-Type: application/json' \\`,
  `     -d '{"title": "Product Manager", "text": "You will own the roadmap and talk to customers."}'`,
  `curl -s ${origin}/v1/classify -F file=@posting.html`,
  `curl -s ${origin}/v1/score -H 'Content-Type: text/csv' --data-binary @listings.csv -o scored.csv`,
  `curl -s ${origin}/v1/model`,
].join("\n");
fetch("/openapi.json").then((r) => r.json()).then(describe).catch(() => {
  document.getElementById("api").textContent = "The API description could not be loaded.";
});
