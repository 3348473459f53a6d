/** The docs page's stylesheet, inlined in the page and allowed by its CSP hash. */
export const docsStyle = `
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 1.5rem;color:#1a1a1a}
h1{margin-bottom:0}
nav ul{columns:2;padding-left:1.2rem}
section.operation{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
section.operation h2{font-size:1.05rem;margin:.4rem 0}
.method{display:inline-block;min-width:4.5rem;font-family:monospace;font-weight:700;text-transform:uppercase}
.method.get{color:#0a6b2b}.method.post{color:#0b4f9c}.method.head{color:#666}.method.put,.method.patch{color:#8a5a00}.method.delete{color:#a11}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;max-height:20rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600}
details{margin:.2rem 0}details>summary{cursor:pointer}details[data-response]>:not(summary){margin-left:1.2rem}
.note{color:#555;font-size:.9em}details.json-schema summary{color:#555;font-size:.9em}
.error{color:#a11}
`;
