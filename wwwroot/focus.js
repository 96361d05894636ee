// Focus for the wizard: when Next is refused, the operator lands on the first field that says what to fix.
export function firstInvalid(rootSelector) {
  const root = document.querySelector(rootSelector);
  const field = root?.querySelector('input[aria-invalid="true"], textarea[aria-invalid="true"], [role="radiogroup"][aria-invalid="true"]');
  if (!field) return false;
  field.focus();
  return true;
}
