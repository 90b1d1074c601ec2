import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv.ts";

describe("CSV cells", () => {
  it("defuses text a spreadsheet would run as a formula with a leading quote (=, +, -, @, tab, carriage return)", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+33 1 23 45 67")).toBe("'+33 1 23 45 67");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1:A9)")).toBe("'@SUM(A1:A9)");
    expect(csvCell("\t=cmd")).toBe("'\t=cmd");
    expect(csvCell("\r=cmd")).toBe(`"'\r=cmd"`);
    expect(csvCell('=HYPERLINK("https://evil.example/login","Reset password")')).toBe(
      `"'=HYPERLINK(""https://evil.example/login"",""Reset password"")"`,
    );
  });

  it("leaves other text, numbers (negative ones too) and booleans as they are, and quotes per RFC 4180", () => {
    expect(csvCell("Exports are slow")).toBe("Exports are slow");
    expect(csvCell("a=b")).toBe("a=b");
    expect(csvCell("Slow, and broken")).toBe('"Slow, and broken"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(-0.1234567)).toBe("-0.123457");
    expect(csvCell(2.345, 2)).toBe("2.35");
    expect(csvCell(false)).toBe("false");
    expect(csvCell(null)).toBe("");
  });

  it("writes a header row and a line per row, CRLF-terminated", () => {
    const rows = [
      { name: "=evil()", arr: -5 },
      { name: "Acme", arr: 1.5 },
    ];
    expect(
      toCsv(
        [
          ["name", (r: (typeof rows)[number]) => r.name],
          ["arr", (r: (typeof rows)[number]) => r.arr],
        ],
        rows,
      ),
    ).toBe("name,arr\r\n'=evil(),-5\r\nAcme,1.5\r\n");
  });
});
