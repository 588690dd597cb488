import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { registerRouter } from "../../../src/generator/ast/register-router.js";
import { unregisterRouter } from "../../../src/generator/ast/unregister-router.js";

const orders = { routerName: "ordersRouter", importPath: "./domains/orders/router.js" };

const before = `import { createApp } from "@trellis/runtime";
import { authRouter } from "./domains/auth/router.js";
import { productsRouter } from "./domains/products/router.js";
import { usersRouter } from "./domains/users/router.js";

// The user's comment stays.
export function buildApp() {
  const app = createApp({ title: "x" }); // trailing comment
  app.include(usersRouter);
  app.include(authRouter);
  app.include(productsRouter);
  app.include(createChatRouter(chat));
  return app;
}
`;

const after = `import { createApp } from "@trellis/runtime";
import { authRouter } from "./domains/auth/router.js";
import { ordersRouter } from "./domains/orders/router.js";
import { productsRouter } from "./domains/products/router.js";
import { usersRouter } from "./domains/users/router.js";

// The user's comment stays.
export function buildApp() {
  const app = createApp({ title: "x" }); // trailing comment
  app.include(usersRouter);
  app.include(authRouter);
  app.include(productsRouter);
  app.include(ordersRouter);
  app.include(createChatRouter(chat));
  return app;
}
`;

describe("registerRouter", () => {
  it("adds the import in sorted place and the include after the last router include, touching nothing else", () => {
    expect(registerRouter(before, orders)).toBe(after);
  });

  it("returns the source unchanged when the router is already registered", () => {
    expect(registerRouter(after, orders)).toBe(after);
  });

  it("follows the file's quotes, semicolons, indentation and receiver name", () => {
    const source = "import { a } from './domains/a/router.js'\n\nfunction build() {\n    const server = make()\n    server.include(a)\n}\n";
    expect(registerRouter(source, { routerName: "zRouter", importPath: "./domains/z/router.js" })).toBe(
      "import { a } from './domains/a/router.js'\nimport { zRouter } from './domains/z/router.js'\n\nfunction build() {\n    const server = make()\n    server.include(a)\n    server.include(zRouter)\n}\n",
    );
  });

  it("adds its own top-level include after a guarded include, never a copy of the guard", () => {
    const guarded = before.replace("  app.include(productsRouter);", '  if (process.env.FEATURE_PRODUCTS !== "off") app.include(productsRouter);');
    const expected = after
      .replace("  app.include(productsRouter);", '  if (process.env.FEATURE_PRODUCTS !== "off") app.include(productsRouter);');
    expect(registerRouter(guarded, orders)).toBe(expected);
  });

  it("adds its own include after a loop of includes, never a second loop", () => {
    const looped = before.replace("  app.include(productsRouter);\n", "  for (const router of [productsRouter]) {\n    app.include(router);\n  }\n");
    const result = registerRouter(looped, orders);
    expect(result).toContain("  for (const router of [productsRouter]) {\n    app.include(router);\n  }\n  app.include(ordersRouter);\n  app.include(createChatRouter(chat));\n");
    expect(result.match(/for \(/g)).toHaveLength(1);
    const oneLine = "app.include(a);\nfor (const r of [b, c]) app.include(r);\n";
    expect(registerRouter(oneLine, orders)).toBe(`import { ordersRouter } from "./domains/orders/router.js";\n${oneLine}app.include(ordersRouter);\n`);
  });

  it("does not put the include inside a callback that may run many times", () => {
    const source = "export const build = () => {\n  const app = make();\n  [a, b].forEach((r) => {\n    app.include(r);\n  });\n  return app;\n};\n";
    expect(registerRouter(source, orders)).toBe(`import { ordersRouter } from "./domains/orders/router.js";\n${source.replace("  });\n", "  });\n  app.include(ordersRouter);\n")}`);
  });

  it("keeps a trailing comment on the anchor's line with its statement", () => {
    const source = "app.include(a); // the a routes\nrun();\n";
    expect(registerRouter(source, orders)).toBe('import { ordersRouter } from "./domains/orders/router.js";\napp.include(a); // the a routes\napp.include(ordersRouter);\nrun();\n');
  });

  it("takes only the indentation of the anchor's line, not code before it on the line", () => {
    const source = "function f() {\n    const app = make(); app.include(a);\n}\n";
    expect(registerRouter(source, orders)).toBe('import { ordersRouter } from "./domains/orders/router.js";\nfunction f() {\n    const app = make(); app.include(a);\n    app.include(ordersRouter);\n}\n');
  });

  it("keeps CRLF line endings", () => {
    const source = 'import { a } from "./domains/a/router.js";\r\napp.include(a);\r\n';
    expect(registerRouter(source, orders)).toBe('import { a } from "./domains/a/router.js";\r\nimport { ordersRouter } from "./domains/orders/router.js";\r\napp.include(a);\r\napp.include(ordersRouter);\r\n');
  });

  it("refuses a restructured main.ts, saying what it looked for and printing the two lines to add", () => {
    const restructured = 'import { createApp } from "@trellis/runtime";\nexport const app = createApp({ routers: [usersRouter] });\n';
    expect(() => registerRouter(restructured, orders)).toThrow(expect.objectContaining({
      code: "TRELLIS_E_NO_APP",
      message: expect.stringContaining("app.include(someRouter)"),
      hint: expect.stringContaining('import { ordersRouter } from "./domains/orders/router.js";\n  app.include(ordersRouter);'),
    }));
  });
});

describe("unregisterRouter", () => {
  it("removes exactly what registerRouter added", () => {
    expect(unregisterRouter(after, orders)).toBe(before);
  });

  it("gives back the created project's main.ts byte for byte after register then unregister", () => {
    const main = readFileSync(new URL("../../../templates/default/src/main.ts", import.meta.url), "utf8");
    const registered = registerRouter(main, orders);
    expect(registered).not.toBe(main);
    expect(registered).toContain("  app.include(productsRouter);\n  app.include(ordersRouter);\n");
    expect(unregisterRouter(registered, orders)).toBe(main);
    const items = { routerName: "orderItemsRouter", importPath: "./domains/order-items/router.js" };
    expect(unregisterRouter(unregisterRouter(registerRouter(registered, items), orders), items)).toBe(main);
  });

  it("returns the source unchanged when the router is not registered", () => {
    expect(unregisterRouter(before, orders)).toBe(before);
  });

  it("removes a guarded include with its if, so the guard never falls onto the next statement", () => {
    const guarded = after.replace("  app.include(ordersRouter);", '  if (process.env.FEATURE_ORDERS !== "off") app.include(ordersRouter);');
    expect(unregisterRouter(guarded, orders)).toBe(before);
    const braced = after.replace("  app.include(ordersRouter);", '  if (process.env.FEATURE_ORDERS !== "off") {\n    app.include(ordersRouter);\n  }');
    expect(unregisterRouter(braced, orders)).toBe(before);
    const nested = after.replace("  app.include(ordersRouter);", "  if (a)\n    if (b) app.include(ordersRouter);");
    expect(unregisterRouter(nested, orders)).toBe(before);
  });

  it("removes only the include from a block that does more", () => {
    const source = 'import { ordersRouter } from "./domains/orders/router.js";\nif (a) {\n  app.include(ordersRouter);\n  other();\n}\nnext();\n';
    expect(unregisterRouter(source, orders)).toBe("if (a) {\n  other();\n}\nnext();\n");
  });

  it.each([
    ["an if with an else", "if (a) app.include(ordersRouter);\nelse other();\n", 2],
    ["the else branch", "if (a) other();\nelse app.include(ordersRouter);\n", 3],
    ["a loop body", "for (const x of xs) app.include(ordersRouter);\n", 2],
    ["another use of the router", "app.include(ordersRouter);\nfor (const r of [ordersRouter]) app.include(r);\n", 3],
  ])("refuses, naming the line to edit by hand, when the include is in %s", (_label, body, line) => {
    const source = `import { ordersRouter } from "./domains/orders/router.js";\n${body}`;
    expect(() => unregisterRouter(source, orders)).toThrow(expect.objectContaining({
      code: "TRELLIS_E_EDIT_BY_HAND",
      message: expect.stringContaining(`src/main.ts line ${line}`),
    }));
  });

  it("keeps other names the user imports from the same file", () => {
    const source = 'import { ordersRouter, helper } from "./domains/orders/router.js";\napp.include(ordersRouter);\nhelper();\n';
    expect(unregisterRouter(source, orders)).toBe('import { helper } from "./domains/orders/router.js";\nhelper();\n');
  });
});
