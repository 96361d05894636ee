// Idle tabs cost the server nothing: after the tab has been hidden or untouched for data-pause-after-ms (appsettings
// Wizard:PauseAfter, default 5 min) the circuit is paused (.NET 10's Blazor.pauseCircuit: the server persists what
// the page needs and frees the circuit; the draft itself is already in the store). The first key, click or focus,
// or the tab becoming visible again, resumes it on a new circuit with the draft, the step and the page as they were.
(() => {
  const script = document.currentScript;
  const after = Number(script?.dataset.pauseAfterMs ?? 300000);
  if (!(after > 0)) return;
  let timer = 0, paused = false, busy = Promise.resolve();
  const root = document.documentElement;

  const pause = () => busy = busy.then(async () => {
    if (paused || !window.Blazor?.pauseCircuit) return;
    paused = await window.Blazor.pauseCircuit().then(ok => ok !== false, () => false);
    if (paused) root.dataset.circuit = 'paused';
    else arm(); // not now (the circuit was busy or still starting): try again after another quiet spell
  });
  const resume = () => busy = busy.then(async () => {
    if (!paused) return;
    paused = !(await window.Blazor.resumeCircuit().then(ok => ok !== false, () => false));
    if (!paused) root.dataset.circuit = 'active';
  });
  const arm = () => { clearTimeout(timer); timer = setTimeout(pause, after); };

  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') arm();
    else { resume(); arm(); }
  });
  for (const type of ['keydown', 'input', 'pointerdown', 'focusin', 'wheel']) {
    window.addEventListener(type, () => { resume(); arm(); }, { capture: true, passive: true });
  }
  root.dataset.circuit = 'active';
  arm();
})();
