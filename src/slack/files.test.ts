import { describe, expect, it } from "vitest";
import { receivedFiles } from "./files.ts";
import { messageEventSchema } from "./payloads.ts";

const event = (files: unknown) => messageEventSchema.parse({ type: "message", channel: "C1", ts: "1700000000.000100", files });

describe("the files of a message event", () => {
  it("keeps what Slack described, asks about Slack Connect's check_file_info, and knows a hidden or denied file is unreadable", () => {
    const files = receivedFiles(
      event([
        {
          id: "F1",
          name: "a.png",
          title: "a",
          mimetype: "image/png",
          filetype: "png",
          size: 10,
          permalink: "https://x.slack.com/files/U/F1/a.png",
          file_access: "visible",
        },
        { id: "F2", mode: "file_access", file_access: "check_file_info", created: 0, timestamp: 0, user: "" },
        { id: "F3", mode: "hidden_by_limit" },
        { id: "F4", name: "secret.pdf", file_access: "access_denied" },
        { id: "F5", name: "old.png", mode: "tombstone" },
        { name: "no id" },
        "not a file",
      ]).files,
    );
    expect(files.map((f) => [f.id, f.readable])).toEqual([
      ["F1", true],
      ["F2", null],
      ["F3", false],
      ["F4", false],
      ["F5", false],
    ]);
    expect(files[0]).toMatchObject({ name: "a.png", mimetype: "image/png", size: 10, permalink: "https://x.slack.com/files/U/F1/a.png" });
  });

  it("a message whose files list is not a list still parses, without files", () => {
    expect(receivedFiles(event("nonsense").files)).toEqual([]);
    expect(receivedFiles(event(undefined).files)).toEqual([]);
  });
});
