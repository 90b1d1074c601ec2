import { describe, expect, it } from "vitest";
import { isAccountExternalId } from "./channels.ts";

describe("account external ids", () => {
  it("use letters, digits and . _ : @ / -, up to 100 characters", () => {
    for (const ok of ["acme-corp", "sf:001A000001", "acme.com/eu", "a".repeat(100)]) expect(isAccountExternalId(ok)).toBe(true);
    for (const bad of ["acme!corp", "acme corp", "-acme", "", "a".repeat(101)]) expect(isAccountExternalId(bad)).toBe(false);
  });
});
