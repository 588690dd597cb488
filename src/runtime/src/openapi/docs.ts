import type { App } from "../app.js";

/** Placeholder: mounts /openapi.json, /docs and /redoc. */
export function mountDocs(_app: App): void {}
