/**
 * The project templates `trellis create --template` accepts: one row per
 * directory under templates/. Adding a template is adding its directory and
 * its row here.
 */
export const TEMPLATES = {
  default: "a runnable API on the trellis runtime: /health, a test, strict TypeScript",
} as const satisfies Record<string, string>;

export type TemplateName = keyof typeof TEMPLATES;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as [TemplateName, ...TemplateName[]];
