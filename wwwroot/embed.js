// The embedded wizard's side of the postMessage contract (docs/embedding.md).
// Messages go to one parent origin the server chose from the allow-list, never "*"; messages are accepted only
// from the embedding window and an allowed origin, and the server checks the origin again.
let parentOrigin = null;
let allowed = [];
let dotnet = null;
let lastHeight = 0;

export function start(ref, origin, allowedOrigins) {
  const first = dotnet === null;
  dotnet = ref; // a resumed circuit (idle-pause.js) or the next page in the frame starts again: its reference wins
  parentOrigin = origin;
  allowed = allowedOrigins;
  if (!first) return; // "ready" once per frame, and one listener: a portal re-sending its prefill would undo typing
  post('ready'); // the contract's first message, posted before the observer below or the server can post another
  window.addEventListener('message', e => {
    if (e.source !== window.parent || !allowed.includes(e.origin)) return;
    const m = e.data;
    if (!m || typeof m !== 'object' || m.target !== 'calico-wizard') return;
    dotnet.invokeMethodAsync('Receive', e.origin, JSON.stringify(m));
  });
  new ResizeObserver(() => {
    const height = document.documentElement.scrollHeight;
    if (height !== lastHeight) { lastHeight = height; post('height', { height }); }
  }).observe(document.body);
}

export function post(type, payload) {
  if (!parentOrigin || window.parent === window) return;
  window.parent.postMessage(Object.assign({ source: 'calico-wizard', type }, payload || {}), parentOrigin);
}
