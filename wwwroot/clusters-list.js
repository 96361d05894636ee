// MudDataGrid renders its rows itself and passes no attributes to them, so the clusters list's rows get the
// automation contract's data-testid="cluster-row" (docs/automation.md) here, as the grid draws them.
export function markRows(root) {
    const mark = () => root.querySelectorAll('tr.cluster-row:not([data-testid])')
        .forEach(tr => tr.setAttribute('data-testid', 'cluster-row'));
    mark();
    const observer = new MutationObserver(mark);
    observer.observe(root, { childList: true, subtree: true });
    return { dispose: () => observer.disconnect() };
}
