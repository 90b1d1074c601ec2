import { describe, expect, it } from "vitest";
import { DomainError } from "../shared/errors.ts";
import { DatabaseBusy } from "../platform/db/transactor.ts";
import { ApiError, domainAnswer, errorAnswer, invalidParameter, UNLISTED_DOMAIN_STATUS } from "./errors.ts";

describe("the HTTP error model", () => {
  it("answers an ApiError with its status, code, message and extra fields", () => {
    expect(errorAnswer(new ApiError(404, "account_not_found", 'no account has externalId "x"'))).toMatchObject({
      status: 404,
      body: { error: "account_not_found", message: 'no account has externalId "x"' },
      unexpected: false,
    });
    expect(errorAnswer(invalidParameter("limit", "limit must be a whole number"))).toMatchObject({
      status: 400,
      body: { error: "invalid_parameter", parameter: "limit", message: "limit must be a whole number" },
    });
    expect(errorAnswer(new ApiError(401, "unauthorized", "send the token", {}, { "www-authenticate": "Bearer" })).headers).toEqual({
      "www-authenticate": "Bearer",
    });
  });

  it("maps domain error codes to statuses by their last part", () => {
    expect(domainAnswer("ticket.not_found").status).toBe(404);
    expect(domainAnswer("alert.already_acknowledged").status).toBe(409);
    expect(domainAnswer("theme.conflict").status).toBe(409);
    expect(domainAnswer("ticket.forbidden").status).toBe(403);
    expect(domainAnswer("batch.invalid").status).toBe(400);
    expect(domainAnswer("ticket.cannot_reopen").status).toBe(UNLISTED_DOMAIN_STATUS);
  });

  it("answers a domain error with its code and its facts, never a stack", () => {
    expect(errorAnswer(new DomainError("ticket.not_found", { ticketId: 42 }))).toEqual({
      status: 404,
      body: { error: "ticket.not_found", message: "ticket.not_found (ticketId: 42)" },
      headers: {},
      unexpected: false,
    });
  });

  it("words a listed code as the API always did", () => {
    expect(errorAnswer(new DomainError("theme.not_found", { ref: "Teleportation" }))).toMatchObject({
      status: 404,
      body: {
        error: "unknown_theme",
        parameter: "theme",
        message: 'there is no theme named "Teleportation": give its id or exact name (GET /api/v1/themes lists them)',
      },
    });
    expect(errorAnswer(new DomainError("theme.not_found", { themeId: 99999 })).body.message).toContain("there is no theme with id 99999");
    expect(errorAnswer(new DomainError("account.not_found", { externalId: "acme" }))).toEqual({
      status: 404,
      body: { error: "account_not_found", message: expect.stringContaining('no account has externalId "acme"') },
      headers: {},
      unexpected: false,
    });
  });

  it("answers anything else with 500 internal_error, telling nothing of the cause, and marks it to be logged", () => {
    const answer = errorAnswer(new Error("connection refused to 10.0.0.3"));
    expect(answer.status).toBe(500);
    expect(answer.body.error).toBe("internal_error");
    expect(JSON.stringify(answer.body)).not.toContain("10.0.0.3");
    expect(answer.unexpected).toBe(true);
  });

  it("answers a transaction the database kept aborting (deadlocks) with 503 and Retry-After, not 500", () => {
    const answer = errorAnswer(new DatabaseBusy(5, "40P01", { cause: new Error("deadlock detected") }));
    expect(answer).toMatchObject({ status: 503, body: { error: "database_busy" }, headers: { "retry-after": "1" }, unexpected: false });
    expect(answer.body.message).toContain("send it again");
  });
});
