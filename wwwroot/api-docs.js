// The API reference at /api/docs: Scalar's standalone bundle (served by the app from Scalar.AspNetCore, no CDN)
// pointed at the app's own OpenAPI document. A file, not an inline script, so the page keeps the app's
// content security policy (script-src 'self'). Nothing here talks to anything but this app: no default fonts,
// no telemetry, no AI agent, no developer tools panel.
Scalar.createApiReference('#app', {
  url: '/openapi/v1.json',
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  defaultOpenAllTags: true,
  _integration: 'dotnet',
});
