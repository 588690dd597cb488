import { describe, expect, it } from "vitest";
import { fieldImports, fieldView, parseFields } from "../../src/generator/fields.js";

describe("parseFields", () => {
  it("parses every type, :optional and enum values", () => {
    const specs = parseFields("title:string body:text qty:int total:number paid:boolean:optional due:date at:datetime ref:uuid mail:email status:enum(draft|sent)");
    expect(specs.map((s) => `${s.name}:${s.type}${s.optional ? "?" : ""}`)).toEqual([
      "title:string", "body:text", "qty:int", "total:number", "paid:boolean?", "due:date", "at:datetime", "ref:uuid", "mail:email", "status:enum",
    ]);
    expect(specs.at(-1)!.values).toEqual(["draft", "sent"]);
  });

  it.each([
    ["title", "is not <name>:<type>"],
    ["title:strin", 'unknown type "strin"'],
    ["Title:string", "must be snake_case"],
    ["id:int", "already has"],
    ["a:int a:text", "given twice"],
    ["s:enum()", "enum values"],
    ["s:enum(a|a)", "given twice"],
    ["__proto__:string", "must be snake_case"],
    ["   ", "--fields is empty"],
    ["a:int:required", "is not <name>:<type>"],
  ])("refuses %j with a message naming the problem", (text, message) => {
    expect(() => parseFields(text)).toThrow(expect.objectContaining({ code: "TRELLIS_E_INVALID_FIELDS", message: expect.stringContaining(message) }));
  });
});

describe("fieldView", () => {
  it("makes a required string a NUL-safe varchar(200) that is optional on update", () => {
    const [spec] = parseFields("title:string");
    expect(fieldView(spec!)).toMatchObject({
      zodCreate: "storableText({ min: 1, max: 200 })",
      zodUpdate: "storableText({ min: 1, max: 200 }).optional()",
      zodResponse: "z.string()",
      column: 'varchar("title", { length: 200 }).notNull()',
      sample: '"Sample title"',
    });
  });

  it("makes an optional field nullish on input, nullable on output and a nullable column", () => {
    const [spec] = parseFields("paid:boolean:optional");
    expect(fieldView(spec!)).toMatchObject({ zodCreate: "z.boolean().nullish()", zodUpdate: "z.boolean().nullish()", zodResponse: "z.boolean().nullable()", column: 'boolean("paid")' });
  });

  it("stores an enum as a text column typed with its values", () => {
    const [spec] = parseFields("status:enum(draft|sent)");
    expect(fieldView(spec!)).toMatchObject({ zodCreate: 'z.enum(["draft", "sent"])', column: 'text("status", { enum: ["draft", "sent"] }).notNull()', sample: '"draft"', updated: '"sent"' });
  });

  it("lists the column builders and helpers the files import", () => {
    expect(fieldImports(parseFields("title:string total:number at:datetime"))).toEqual({ storableText: true, columns: ["doublePrecision", "integer", "pgTable", "serial", "timestamp", "varchar"] });
  });
});
