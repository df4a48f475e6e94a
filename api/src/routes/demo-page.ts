/**
 * The HTML of the demo page (GET /, api/src/routes/demo.ts): plain HTML and CSS, no
 * framework, no inline script. Every dynamic value goes through `esc` (text and attribute
 * context: & < > " ' are replaced), so model names, generated text and ids from the
 * database can never become markup.
 */

export interface DemoModel {
  modelId: string;
  name: string;
  ctx: number | null;
  chunks: number | null;
  insecure: boolean | null;
  createdAt: number;
}

export interface DemoReceipt {
  id: string;
  modelName: string;
  text: string | null;
  nGenerated: number | null;
  createdAt: number;
}

export interface DemoPageData {
  /** The API origin the page was requested on (the badge and CLI commands point at it). */
  origin: string;
  /** The versioned /widget.js URL (api/src/routes/widget.ts widgetUrl). */
  widgetSrc: string;
  models: DemoModel[];
  receipts: DemoReceipt[];
  /** The receipt whose badge is shown (from ?receipt=, else the latest); null when there is none. */
  shown: string | null;
  /** True when `shown` came from ?receipt= (then it may not exist: the badge says so). */
  requested: boolean;
  /** Whether `shown` is a stored receipt (invalid proofs are never stored). */
  shownStored: boolean;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes for HTML text and double- or single-quoted attribute values. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function short(id: string): string {
  return `${id.slice(0, 12)}…`;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1d2430; --muted: #5b6576; --bg: #fbfbfd; --card: #ffffff; --line: #dde2ea; --accent: #2f6fdf; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ef; --muted: #9aa4b5; --bg: #12151b; --card: #1a1f27; --line: #2c3340; --accent: #7aa7ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; } h2 { font-size: 1.25rem; margin: 2.25rem 0 .75rem; }
p.lead { color: var(--muted); margin: 0 0 1.5rem; }
.parts { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: 1rem; }
.parts section, .showcase { background: var(--card); border: 1px solid var(--line); border-radius: .6rem; padding: 1rem 1.1rem; }
.parts h3 { margin: 0 0 .4rem; font-size: 1.05rem; }
.parts p { margin: 0; color: var(--muted); }
pre { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: .75rem 1rem; overflow-x: auto; font-size: .85rem; }
code, pre, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
table { width: 100%; border-collapse: collapse; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.empty { color: var(--muted); font-style: italic; }
.warn { color: #b25b00; font-size: .85rem; }
a { color: var(--accent); }
.gen { white-space: pre-wrap; }
`;

function partsSection(): string {
  return `<div class="parts">
<section><h3>1. Prover on your machine</h3><p>The <code>zkinfer</code> CLI runs a small quantized language model with integer arithmetic and proves, with Groth16 zero-knowledge proofs, that the model produced the generated tokens by greedy decoding. The prompt stays private: only a salted commitment to it is published.</p></section>
<section><h3>2. Verifier at the edge</h3><p>This API (Cloudflare Workers + D1) keeps an immutable registry of models and their verification keys. <code>POST /v1/verify</code> checks every proof of a bundle and stores a receipt whose id is a hash of the statement.</p></section>
<section><h3>3. Badge on any page</h3><p><code>&lt;zkinfer-badge&gt;</code> shows a receipt and can re-check every proof in the visitor's browser against the registered keys, without trusting this server's verdict.</p></section>
</div>`;
}

function showcaseSection(d: DemoPageData): string {
  if (d.shown === null) {
    return `<p class="empty">No verified receipt yet. Make one with the commands below; it will appear here.</p>`;
  }
  const embed = `<script type="module" src="${d.widgetSrc}"></script>\n<zkinfer-badge receipt="${d.shown}" api="${d.origin}"></zkinfer-badge>`;
  return `<div class="showcase">
<p>${d.requested ? 'Receipt' : 'Latest receipt'} <span class="id">${esc(d.shown)}</span> (<a href="${esc(`${d.origin}/v1/receipts/${d.shown}`)}">JSON</a>):</p>
<zkinfer-badge receipt="${esc(d.shown)}" api="${esc(d.origin)}"></zkinfer-badge>
</div>
${d.shownStored ? '' : '<p id="not-stored">This API holds no such receipt: an id that was never submitted, or a bundle that did not verify (invalid proofs are not stored).</p>\n'}<p>Embed this badge on any page with two lines of HTML:</p>
<pre id="embed">${esc(embed)}</pre>`;
}

function modelsSection(models: readonly DemoModel[]): string {
  if (models.length === 0) return `<p class="empty">No model registered yet (<code>npm start</code> registers the bundled default model).</p>`;
  const rows = models
    .map((m) => {
      const setup = m.insecure === true ? ' <span class="warn">insecure local setup</span>' : '';
      return `<tr><td>${esc(m.name)}${setup}</td><td class="id"><a href="${esc(`/v1/models/${m.modelId}`)}">${esc(short(m.modelId))}</a></td><td>${esc(m.ctx ?? '?')}</td><td>${esc(m.chunks ?? '?')}</td><td>${esc(when(m.createdAt))}</td></tr>`;
    })
    .join('\n');
  return `<table id="models"><thead><tr><th>name</th><th>model id</th><th>context T</th><th>chunks</th><th>registered</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function receiptsSection(receipts: readonly DemoReceipt[]): string {
  if (receipts.length === 0) return `<p class="empty">No verified receipt yet.</p>`;
  const rows = receipts
    .map(
      (r) =>
        `<tr><td class="id"><a href="/?receipt=${esc(r.id)}">${esc(short(r.id))}</a></td><td>${esc(r.modelName)}</td><td class="gen">${r.text === null ? `<span class="empty">${esc(r.nGenerated ?? '?')} tokens</span>` : esc(r.text)}</td><td>${esc(when(r.createdAt))}</td></tr>`,
    )
    .join('\n');
  return `<table id="receipts"><thead><tr><th>receipt</th><th>model</th><th>verified output</th><th>verified at</th></tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function commandsSection(origin: string): string {
  const api = origin === 'http://127.0.0.1:8787' ? '' : ` --api ${origin}`;
  const lines = [
    '# once: install, then start this stack (API + default model, compiled and registered)',
    'npm install',
    'npm start',
    '',
    '# prove a prompt with the default model and submit the proof here',
    `npx zkinfer prove --prompt "ROMEO:" -n 8 --submit${api}`,
    '',
    '# the API for machines',
    `curl ${origin}/v1/models`,
    `curl ${origin}/v1/openapi.json`,
  ];
  return `<pre id="commands">${esc(lines.join('\n'))}</pre>`;
}

/** The whole page. */
export function renderDemoPage(d: DemoPageData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>zkinfer — proofs that a language model said it</title>
<style>${STYLE}</style>
<script type="module" src="${esc(d.widgetSrc)}"></script>
</head>
<body>
<main>
<h1>zkinfer</h1>
<p class="lead">Zero-knowledge proofs that a small language model, run on your own machine, produced a given output from a private prompt.</p>
${partsSection()}
<h2>A live badge</h2>
${showcaseSection(d)}
<h2>Make your own</h2>
${commandsSection(d.origin)}
<h2>Registered models</h2>
${modelsSection(d.models)}
<h2>Latest verified receipts</h2>
${receiptsSection(d.receipts)}
</main>
</body>
</html>
`;
}
