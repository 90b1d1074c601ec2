import { describe, expect, it } from "vitest";
import { compilePattern, matchPath } from "./router.ts";

describe("route matching", () => {
  it("matches literal paths exactly", () => {
    const healthz = compilePattern("/healthz");
    expect(matchPath(healthz, "/healthz")).toEqual({});
    expect(matchPath(healthz, "/healthz/")).toBeNull();
    expect(matchPath(healthz, "/readyz")).toBeNull();
    expect(matchPath(compilePattern("/api/v1/accounts"), "/api/v1/accounts/acme")).toBeNull();
  });

  it("gives a named parameter one segment, as sent (the router decodes it)", () => {
    const account = compilePattern("/api/v1/accounts/:externalId");
    expect(matchPath(account, "/api/v1/accounts/acme")).toEqual({ externalId: "acme" });
    expect(matchPath(account, "/api/v1/accounts/emea%2Facme%20corp")).toEqual({ externalId: "emea%2Facme%20corp" });
    expect(matchPath(account, "/api/v1/accounts/")).toBeNull();
    expect(matchPath(account, "/api/v1/accounts")).toBeNull();
    expect(matchPath(account, "/api/v1/accounts/a/b")).toBeNull();
  });

  it("takes several parameters", () => {
    expect(matchPath(compilePattern("/a/:x/b/:y"), "/a/1/b/2")).toEqual({ x: "1", y: "2" });
    expect(matchPath(compilePattern("/a/:x/b/:y"), "/a/1/c/2")).toBeNull();
  });

  it("refuses a pattern that does not start at the root", () => {
    expect(() => compilePattern("api/v1")).toThrow(/starts with \//);
  });
});
