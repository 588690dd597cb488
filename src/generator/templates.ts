/**
 * The project templates `trellis create --template` accepts: one row per
 * directory under templates/. Adding a template is adding its directory and
 * its row here.
 */
export const TEMPLATES = {
  default: "a complete backend on the trellis runtime: users with JWT auth, products CRUD, WebSocket chat, drizzle-orm on PGlite or PostgreSQL, tests",
} as const satisfies Record<string, string>;

export type TemplateName = keyof typeof TEMPLATES;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]];
