import { describe, expect, it } from "vitest";
import * as runtime from "@trellis/runtime";
import { domainNames, nearFolderNames, pluralize, RUNTIME_EXPORTS, singularize } from "../../src/generator/domain-name.js";

describe("domainNames", () => {
  it("gives OrderItem, order-item, order_items and orderItems the same module", () => {
    const expected = domainNames("order-items");
    for (const name of ["OrderItem", "order-item", "order_items", "orderItems", "OrderItems", "order_item"]) expect(domainNames(name)).toEqual(expected);
    expect(expected).toMatchObject({
      folder: "order-items", table: "order_items", route: "/api/v1/order-items", pascalSingular: "OrderItem", pascalPlural: "OrderItems",
      camelPlural: "orderItems", router: "orderItemsRouter", service: "OrderItemService", idParam: "order_item_id", title: "Order item",
    });
  });

  it("names a one-word domain like the template's products domain", () => {
    expect(domainNames("orders")).toMatchObject({ folder: "orders", table: "orders", camelPlural: "orders", router: "ordersRouter", pascalSingular: "Order", idParam: "order_id" });
    expect(domainNames("Category")).toMatchObject({ folder: "categories", pascalSingular: "Category" });
    expect(domainNames("boxes")).toMatchObject({ folder: "boxes", pascalSingular: "Box" });
  });

  it.each([
    ["orders", "an order"], ["invoices", "an invoice"], ["items", "an item"], ["events", "an event"], ["apples", "an apple"],
    ["products", "a product"], ["OrderItem", "an order item"], ["users", "a user"], ["uniforms", "a uniform"], ["units", "a unit"],
    ["usages", "a usage"], ["umbrellas", "an umbrella"],
  ])("puts the right article before %s in summaries: %s", (name, expected) => {
    expect(domainNames(name).aSingular).toBe(expected);
  });

  it("names the folders a domain could be confused with: the name as typed and its singular", () => {
    expect(nearFolderNames("auth", domainNames("auth"))).toEqual({ typed: "auth", others: ["auth"] });
    expect(nearFolderNames("OrderItem", domainNames("OrderItem"))).toEqual({ typed: "order-item", others: ["order-item"] });
    expect(nearFolderNames("orders", domainNames("orders"))).toEqual({ typed: "orders", others: ["order"] });
    expect(nearFolderNames("news", domainNames("news"))).toEqual({ typed: "news", others: [] });
  });

  it.each(["class", "delete", "constructor", "__proto__", "prototype", "Class", "deletes", "enum"])("refuses the reserved word %s", (name) => {
    expect(() => domainNames(name)).toThrow(expect.objectContaining({ code: "TRELLIS_E_RESERVED_WORD" }));
  });

  it.each(["../x", "a/b", "..", ".hidden", "a\\b"])("refuses the path %s", (name) => {
    expect(() => domainNames(name)).toThrow(expect.objectContaining({ code: "TRELLIS_E_PATH_NAME" }));
  });

  it.each(["", "1orders", "order items", "order--items", "orders!", "ordérs", "-orders", "orders_"])("refuses %j, which is not an identifier", (name) => {
    expect(() => domainNames(name)).toThrow(expect.objectContaining({ code: "TRELLIS_E_INVALID_NAME" }));
  });

  it("refuses names whose identifiers the runtime exports", () => {
    expect(() => domainNames("routers")).toThrow(/Router, which @trellis\/runtime exports/);
    expect(() => domainNames("requests")).toThrow(expect.objectContaining({ code: "TRELLIS_E_RESERVED_WORD" }));
  });

  it("keeps its list of runtime exports equal to the runtime's capitalised value exports", () => {
    expect([...RUNTIME_EXPORTS].sort()).toEqual(Object.keys(runtime).filter((key) => /^[A-Z]/.test(key)).sort());
  });
});

describe("pluralize and singularize", () => {
  it.each([["order", "orders"], ["category", "categories"], ["box", "boxes"], ["person", "people"], ["key", "keys"], ["address", "addresses"], ["status", "status"]])("%s <-> %s", (one, many) => {
    expect(pluralize(one)).toBe(many);
    expect(singularize(many)).toBe(one);
  });
});
