// Idle tabs cost the server nothing: after the tab has been hidden or untouched for data-pause-after-ms (appsettings
// Wizard:PauseAfter, default 5 min) the circuit is paused (.NET 10's Blazor.pauseCircuit: the server hands the
// component state to the page and frees the circuit; the draft itself is already in the store). The page stays as it
// was, with no "paused" dialog. The first key, click, focus, or the tab becoming visible again resumes it on a new
// circuit, and nothing done meanwhile is lost: a value typed, pasted or filled while paused is written back into its
// field once the circuit is back (the field's own input event, so the rules answer it), and a click is made again.
// A page the server still pushes to (the cluster page while its job runs) carries data-circuit-live="true" and is
// never paused. <html data-circuit> says where the tab is: active | pausing | paused | resuming.
(() => {
  const script = document.currentScript;
  const after = Number(script?.dataset.pauseAfterMs ?? 300000);
  if (!(after > 0)) return;
  const root = document.documentElement;
  const modal = () => document.getElementById('components-reconnect-modal');
  let timer = 0, state = 'active', busy = Promise.resolve();
  const values = new Map(); // selector -> value typed while the circuit was away
  let clicks = [];          // selectors clicked while the circuit was away, in order
  let where = null;         // the focused field and its caret, and the scroll position, as the operator left them

  const set = s => { state = s; root.dataset.circuit = s; };
  const arm = () => { clearTimeout(timer); timer = setTimeout(pause, after); };
  const selectorOf = el => {
    if (!(el instanceof Element)) return null;
    if (el.id) return `#${CSS.escape(el.id)}`;
    const owner = el.closest('[data-testid]');
    return owner ? `[data-testid="${CSS.escape(owner.dataset.testid)}"]` : null;
  };

  const pause = () => busy = busy.then(async () => {
    if (state !== 'active' || !window.Blazor?.pauseCircuit) return;
    // a page the server is still pushing to (a running job's progress) says so: it stays live while it does
    if (document.querySelector('[data-circuit-live="true"]')) { arm(); return; }
    set('pausing');
    remember();
    const ok = await window.Blazor.pauseCircuit().then(r => r !== false, () => false);
    set(ok ? 'paused' : 'active');
    if (!ok) arm(); // not now (the circuit was busy or still starting): try again after another quiet spell
    else if (values.size || clicks.length) resume(); // the operator came back while it was pausing
  });

  const resume = () => busy = busy.then(async () => {
    if (state !== 'paused') return;
    set('resuming');
    const before = document.querySelector('[data-interactive]');
    const ok = await window.Blazor.resumeCircuit().then(r => r !== false, () => false);
    if (!ok) { location.reload(); return; } // the handed-over state is gone: the draft is in the store, reload it
    state = 'rendering'; // the page is being rebuilt (and focuses its heading): that is not the operator moving
    await rendered(before);
    set('active'); // first: what is replayed goes to the circuit, not back into the queue
    replay();
    restore();
    arm();
  });

  // The new circuit renders the page afresh (new elements): what was kept is replayed into those, once the page says
  // it is interactive again (a new [data-interactive="true"]), or after its first render on a page without one.
  const rendered = before => new Promise(done => {
    const ready = () => {
      const now = document.querySelector('[data-interactive]');
      return before ? now && now !== before && now.dataset.interactive === 'true' : true;
    };
    if (!before) { requestAnimationFrame(() => setTimeout(done, 50)); return; }
    if (ready()) { done(); return; }
    const observer = new MutationObserver(() => { if (ready()) finish(); });
    const ceiling = setTimeout(() => finish(), 15000);
    const finish = () => { observer.disconnect(); clearTimeout(ceiling); done(); };
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-interactive'] });
  });

  const replay = () => {
    for (const [selector, value] of values) {
      const el = document.querySelector(selector);
      if (!el || !('value' in el)) continue;
      if (el.value !== value) el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
    values.clear();
    const pending = clicks;
    clicks = [];
    for (const selector of pending) document.querySelector(selector)?.click();
  };

  // The new page has new elements: the focus, the caret and the scroll position go back where they were.
  const remember = () => {
    const el = document.activeElement;
    const selector = el && el !== document.body ? selectorOf(el) : null;
    let start = null, end = null;
    try { start = el?.selectionStart ?? null; end = el?.selectionEnd ?? null; } catch { /* no caret here */ }
    where = { selector, start, end, x: window.scrollX, y: window.scrollY };
  };
  const restore = () => {
    if (!where) return;
    const { selector, start, end, x, y } = where;
    where = null;
    const el = selector ? document.querySelector(selector) : null;
    if (el) {
      el.focus({ preventScroll: true });
      try { if (start !== null) el.setSelectionRange(start, end); } catch { /* not a text field */ }
    }
    window.scrollTo(x, y);
  };
  for (const type of ['focusin', 'keyup', 'input', 'pointerup', 'scroll']) {
    window.addEventListener(type, () => { if (state === 'pausing' || state === 'paused' || state === 'resuming') remember(); }, { capture: true, passive: true });
  }

  // Activity: any of these resumes a paused tab (or re-arms the timer of an active one). Focus moving into the
  // framework's own reconnect dialog is not the operator.
  const activity = e => {
    if (e.target instanceof Node && modal()?.contains(e.target)) return;
    if (state === 'active') arm(); else resume();
  };
  for (const type of ['keydown', 'pointerdown', 'focusin', 'wheel']) {
    window.addEventListener(type, activity, { capture: true, passive: true });
  }

  // While the circuit is away, what the page would send it is kept for the new circuit instead.
  const keep = e => {
    if (state === 'active') { if (e.type === 'input') arm(); return; }
    const selector = selectorOf(e.target);
    if (!selector) return;
    if (e.type === 'click') {
      e.preventDefault();
      if (!clicks.includes(selector)) clicks.push(selector);
    } else if ('value' in e.target) {
      values.set(selector, e.target.value);
    }
    e.stopImmediatePropagation();
    if (state === 'paused') resume();
  };
  for (const type of ['input', 'change', 'click']) window.addEventListener(type, keep, { capture: true });

  // A page that stops being live (its job finished) gets a whole idle window from then, not what was left of one.
  new MutationObserver(() => { if (state === 'active') arm(); })
    .observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-circuit-live'] });

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') arm();
    else activity({});
  });
  set('active');
  arm();
})();
