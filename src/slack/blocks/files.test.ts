import { describe, expect, it } from "vitest";
import type { AttachedFile } from "../../support/rules/files.ts";
import { fileLine, fileList, fileSize } from "./files.ts";
import { cardFilesText } from "./ticket-card.ts";
import { mirroredMessage } from "./ticket-messages.ts";

const file = (over: Partial<AttachedFile> = {}): AttachedFile => ({
  id: "F1",
  name: "error.png",
  title: "error",
  mimetype: "image/png",
  filetype: "png",
  size: 245_760,
  permalink: "https://example.slack.com/files/U1/F1/error.png",
  readable: true,
  ...over,
});
const MESSAGE = "https://example.slack.com/archives/C1/p1700000000000100";

describe("files as the card and its thread show them", () => {
  it("names each file, linked to it, with its type and size", () => {
    expect(fileLine(file(), MESSAGE)).toBe("<https://example.slack.com/files/U1/F1/error.png|error.png> · PNG · 240 KB");
    expect(fileLine(file({ filetype: null, size: null }), MESSAGE)).toBe(
      "<https://example.slack.com/files/U1/F1/error.png|error.png> · image/png",
    );
    expect(fileLine(file({ title: "The export error" }), MESSAGE)).toContain("|error.png> “The export error” · PNG");
  });

  it("shows a file the app cannot read as such, linked to the message", () => {
    expect(fileLine(file({ readable: false, name: null, permalink: null }), MESSAGE)).toBe(`<${MESSAGE}|a file the app cannot open>`);
    expect(fileLine(file({ readable: false }), null)).toBe("a file the app cannot open");
  });

  it("never lets a file's name or title be markup: no links, mentions or broken link labels", () => {
    const line = fileLine(file({ name: "<!channel> <https://evil.example|invoice>.png", title: "<@U1> | x" }), MESSAGE);
    expect(line).not.toMatch(/<!channel>|<https:\/\/evil|<@U1>/);
    expect(line).toContain("&lt;!channel&gt;");
    // A link Slack did not give plainly is shown as text, never as a link.
    expect(fileLine(file({ permalink: "javascript:alert(1)" }), MESSAGE)).toBe("error.png · PNG · 240 KB");
  });

  it("counts sizes as people read them", () => {
    expect([0, 812, 1024, 4300, 245_760, 1_572_864, 3_400_000, 5 * 1024 ** 3].map(fileSize)).toEqual([
      "0 B",
      "812 B",
      "1 KB",
      "4.2 KB",
      "240 KB",
      "1.5 MB",
      "3.2 MB",
      "5 GB",
    ]);
  });

  it("lists at most ten files and counts the rest", () => {
    const list = fileList(
      Array.from({ length: 13 }, (_, i) => file({ id: `F${i}`, name: `shot-${i}.png` })),
      MESSAGE,
    );
    expect(list.split("\n")).toHaveLength(11);
    expect(list).toContain("and 3 more in the message");
  });

  it("the card says the files are in the customer's thread; the mirror lists them under the words", () => {
    expect(cardFilesText({ permalink: MESSAGE }, [file()])).toContain(`1 file from the customer*, in <${MESSAGE}|the customer's thread>`);
    const mirror = mirroredMessage({ userId: "U1", role: "customer", text: "see attached", files: [file()], permalink: MESSAGE });
    expect(mirror.split("\n")).toEqual([
      ":speech_balloon: <@U1> wrote in the customer's thread:",
      "> see attached",
      ":paperclip: 1 file:",
      "• <https://example.slack.com/files/U1/F1/error.png|error.png> · PNG · 240 KB",
    ]);
  });
});
