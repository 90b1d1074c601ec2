// Feedback themes through the real app and the Slack stand-in: managing themes (add, rename, merge,
// archive) with their cards following, `/feedback themes …`, suggested themes by text similarity, and
// the one-click confirmation of a suggestion on the card.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, CUSTOMER, HOME_TEAM, SUPPORT, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";
import { Outbox } from "../src/platform/outbox/outbox.ts";
import { prismaTransactor } from "../src/platform/db/transactor.ts";
import { userActor } from "../src/shared/actor.ts";
import { DomainError } from "../src/shared/errors.ts";
import { SlackFeedbackPosts } from "../src/slack/posts/feedback-posts.ts";
import { SlackDigestPosts } from "../src/slack/posts/voc-digest.ts";
import { prismaFeedbackStores } from "../src/feedback/store/index.ts";
import { feedbackContext, type FeedbackSettings } from "../src/feedback/use-cases/context.ts";
import { addTheme, findOrCreateTheme } from "../src/feedback/use-cases/add-theme.ts";
import { findTheme, themeForTagging } from "../src/feedback/use-cases/find-theme.ts";
import { renameTheme } from "../src/feedback/use-cases/rename-theme.ts";
import { mergeThemes } from "../src/feedback/use-cases/merge-themes.ts";
import { archiveTheme, unarchiveTheme } from "../src/feedback/use-cases/archive-theme.ts";
import { listThemes } from "../src/feedback/use-cases/list-themes.ts";
import { classifyFeedback } from "../src/feedback/use-cases/classify-feedback.ts";
import type { ThemeSummary } from "../src/feedback/rules/themes.ts";
import { SimilarityIndex, DEFAULT_SIMILARITY } from "../src/feedback/rules/similarity.ts";
import { feedbackErrorText } from "../src/slack/blocks/feedback-errors.ts";
import { listText } from "../src/slack/blocks/feedback-answers.ts";
import { themesCommand } from "../src/slack/commands/feedback-themes.ts";
import { parseConfirmValue } from "../src/slack/actions/feedback-themes.ts";
import type { SlackDeps } from "../src/slack/deps.ts";

const PRODUCT = "CPRODUCT";
const AT = new Date("2026-11-20T10:00:00Z");
const MINUTE = 60_000;

let desk: Desk;
afterEach(async () => {
  await desk?.stop();
});

/**
 * The feedback context on the app's database, wired as main.ts wires it (card updates go through the
 * app's outbox), and the theme use cases called as a person would. The app's own context is not exposed
 * by RunningApp.
 */
function feedbackUseCases(clock: TestClock, settings: Partial<FeedbackSettings> = {}) {
  const outbox = new Outbox(desk.app.db);
  const ctx = feedbackContext({
    tx: prismaTransactor(desk.app.db),
    access: desk.app.success.access,
    ...prismaFeedbackStores(desk.app.db),
    notifier: new SlackFeedbackPosts(outbox, PRODUCT),
    digest: new SlackDigestPosts(outbox, PRODUCT),
    clock,
    log: desk.app.log,
    settings: { withdrawGraceMs: 10 * MINUTE, ...settings },
  });
  const as = userActor;
  return {
    ctx,
    themes: {
      list: () => listThemes(ctx, as(AGENT)),
      find: (ref: string) => findTheme(ctx, as(AGENT), { ref }),
      forTagging: (themeId: number) => themeForTagging(ctx, themeId),
      create: (name: string, user: string) => addTheme(ctx, as(user), { name }),
      findOrCreate: (name: string, user: string) => findOrCreateTheme(ctx, as(user), { name }),
      rename: (ref: string, name: string, user: string) => renameTheme(ctx, as(user), { ref, name }),
      merge: (from: string, into: string, user: string) => mergeThemes(ctx, as(user), { from, into }),
      archive: (ref: string, user: string) => archiveTheme(ctx, as(user), { ref }),
      unarchive: (ref: string, user: string) => unarchiveTheme(ctx, as(user), { ref }),
    },
    feedback: {
      addThemes: (itemId: number, themeIds: number[], user: string) => classifyFeedback(ctx, as(user), { itemId, themeIds }),
    },
  };
}

/** The app with PRODUCT_CHANNEL, and the feedback use cases on its database. */
async function deskWithThemes() {
  const clock = new TestClock(AT);
  desk = await startDesk({
    env: {
      PRODUCT_CHANNEL: PRODUCT,
      PRODUCT_USER_IDS: AGENT2,
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
    },
    start: { clock },
  });
  const { ctx, themes, feedback } = feedbackUseCases(clock);
  return {
    clock,
    themes,
    feedback,
    command: (text: string, user = AGENT) => themesCommand({ feedback: ctx } as unknown as SlackDeps, user, text),
  };
}

/** A customer's message in the support channel, sent to product with the :bulb: reaction; its item id. */
async function capture(text: string, tagger = AGENT): Promise<number> {
  const msg = desk.slack.seed(SUPPORT, { user: CUSTOMER, text });
  await desk.event({
    type: "reaction_added",
    user: tagger,
    reaction: "bulb",
    item: { type: "message", channel: SUPPORT, ts: msg.ts },
    item_user: CUSTOMER,
    event_ts: `${Date.now() / 1000}`,
  });
  await desk.settle();
  const item = await desk.app.db.client.feedbackItem.findFirstOrThrow({ where: { messageTs: msg.ts } });
  return item.id;
}

const db = () => desk.app.db.client;
const cards = () => desk.slack.messages(PRODUCT).filter((m) => !m.thread_ts);
const cardOf = async (itemId: number) => {
  const ref = await db().slackMessageRef.findUniqueOrThrow({
    where: { subject_subjectId_role: { subject: "feedback_item", subjectId: itemId, role: "card" } },
  });
  const outbox = await db().outboxMessage.findUniqueOrThrow({ where: { id: ref.outboxId } });
  const card = cards().find((m) => m.ts === outbox.postedTs);
  if (!card) throw new Error(`no card for item ${itemId}`);
  return {
    text: JSON.stringify(card.blocks ?? []) + card.text,
    blocks: (card.blocks ?? []) as Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>,
  };
};
const themeLinks = (themeId: number) => db().feedbackTheme.findMany({ where: { themeId }, orderBy: { itemId: "asc" } });

/** The use case refuses with a DomainError, which Slack words as `message`. */
async function expectFeedbackError(work: Promise<unknown>, message: RegExp | string): Promise<void> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect(feedbackErrorText(error as DomainError)).toMatch(message);
}

/** Clicks a suggestion's button on an item's card; resolves once the app has answered (the change is stored). */
async function confirmClick(itemId: number, themeId: number, user = AGENT, i = 0) {
  const id = `confirm-${itemId}-${themeId}-${Math.random()}`;
  const response = await desk.interaction({
    type: "block_actions",
    user: { id: user, username: "pm", name: "pm", team_id: HOME_TEAM },
    api_app_id: "A111",
    token: "verification_token",
    container: { type: "message", message_ts: "1.000100", channel_id: PRODUCT, is_ephemeral: false },
    trigger_id: "12345.98765.abcd2358fdea",
    team: { id: HOME_TEAM, domain: "example" },
    channel: { id: PRODUCT, name: "product" },
    response_url: desk.slack.responseUrl(id),
    actions: [
      {
        action_id: `feedback_confirm_theme_${i}`,
        block_id: `feedback:${itemId}`,
        type: "button",
        value: `${itemId}:${themeId}`,
        action_ts: "1.2",
      },
    ],
  });
  return { id, response };
}

describe("managing themes", () => {
  it("adds, lists, renames and archives themes, refusing empty, long, number-like and taken names", async () => {
    const { themes } = await deskWithThemes();
    const exports = await themes.create("  Excel   export ", AGENT);
    expect(exports.name).toBe("Excel export");
    const sso = await themes.create("SSO login", AGENT);

    await expectFeedbackError(themes.create("excel EXPORT", AGENT2), `There is already a theme called “Excel export” (#${exports.id})`);
    await expectFeedbackError(themes.create("   ", AGENT), "Give the theme a name");
    await expectFeedbackError(themes.create("x".repeat(61), AGENT), "keep a theme's name to 60");
    await expectFeedbackError(themes.create("#12", AGENT), "looks like a theme number");
    expect(await themes.create("y".repeat(60), AGENT)).toMatchObject({ name: "y".repeat(60) });

    // Found by name in any case, or by number.
    expect(await themes.find("EXCEL export")).toEqual(exports);
    expect(await themes.find(`#${sso.id}`)).toEqual(sso);
    expect(await themes.find("nothing like it")).toBeNull();

    const renamed = await themes.rename("excel export", "Spreadsheet export", AGENT);
    expect(renamed).toMatchObject({ from: "Excel export", to: { id: exports.id, name: "Spreadsheet export" } });
    // Only the case changes: allowed, it is the same theme.
    await themes.rename("#" + exports.id, "spreadsheet Export", AGENT);
    await expectFeedbackError(themes.rename("spreadsheet export", "SSO Login", AGENT), "There is already a theme called “SSO login”");
    await expectFeedbackError(themes.rename("Nope", "Whatever", AGENT), "No theme called “Nope”. `/feedback themes` lists them.");
    // The old name is free again.
    await themes.create("Excel export", AGENT);

    await themes.archive("sso login", AGENT);
    await expectFeedbackError(themes.archive("SSO login", AGENT), "already archived");
    await expectFeedbackError(themes.forTagging(sso.id), "is archived");
    await expectFeedbackError(themes.findOrCreate("sso LOGIN", AGENT), "is archived");
    const listed = await themes.list();
    expect(listed.map((t) => [t.name, t.status])).toEqual([
      ["Excel export", "active"],
      ["spreadsheet Export", "active"],
      ["y".repeat(60), "active"],
      ["SSO login", "archived"],
    ]);
    await themes.unarchive("SSO login", AGENT);
    expect(await themes.forTagging(sso.id)).toEqual(sso);
  });

  it("merges one theme into another: its items follow without duplicates and its cards show the new name", async () => {
    const { themes, feedback } = await deskWithThemes();
    const slow = await themes.create("Slow exports", AGENT);
    const exports = await themes.create("Exports", AGENT);
    const a = await capture("Exports take minutes for big accounts");
    const b = await capture("The CSV export times out every Monday");
    const c = await capture("Can exports include the custom fields?");
    await feedback.addThemes(a, [slow.id], AGENT);
    await feedback.addThemes(b, [slow.id, exports.id], AGENT);
    await feedback.addThemes(c, [exports.id], AGENT);
    await desk.settle();
    expect((await cardOf(a)).text).toContain("`Slow exports`");

    const merged = await themes.merge("slow EXPORTS", `#${exports.id}`, AGENT2);
    expect(merged).toMatchObject({ from: slow, into: exports, moved: 2, cardsUpdated: 2 });
    expect((await themeLinks(exports.id)).map((l) => l.itemId)).toEqual([a, b, c]);
    expect(await themeLinks(slow.id)).toHaveLength(0);
    expect(await db().theme.findUniqueOrThrow({ where: { id: slow.id } })).toMatchObject({
      status: "merged",
      mergedIntoId: exports.id,
      nameKey: null,
    });
    expect((await themes.list()).map((t) => [t.name, t.items])).toEqual([["Exports", 3]]);

    await desk.settle();
    for (const id of [a, b]) {
      const card = await cardOf(id);
      expect(card.text).toContain("`Exports`");
      expect(card.text).not.toContain("Slow exports");
    }
    // The merged theme's number leads to the theme it joined; its name is free for a new theme.
    expect(await themes.find(`#${slow.id}`)).toEqual(exports);
    expect(await themes.find("Slow exports")).toBeNull();
    await themes.create("Slow exports", AGENT);
  });

  it("refuses merging a theme into itself, into an archived theme, or with an unknown theme, changing nothing", async () => {
    const { themes, feedback } = await deskWithThemes();
    const one = await themes.create("Billing", AGENT);
    const two = await themes.create("Invoices", AGENT);
    const item = await capture("Invoices show the wrong VAT rate");
    await feedback.addThemes(item, [one.id], AGENT);

    await expectFeedbackError(themes.merge("Billing", "billing", AGENT), "are the same theme");
    await expectFeedbackError(themes.merge("Billing", "Nowhere", AGENT), "No theme called “Nowhere”");
    await themes.archive("Invoices", AGENT);
    await expectFeedbackError(themes.merge("Billing", "Invoices", AGENT), "“Invoices” is archived: merge into an active theme");
    expect(await db().theme.findUniqueOrThrow({ where: { id: one.id } })).toMatchObject({ status: "active", nameKey: "billing" });
    expect((await themeLinks(one.id)).map((l) => l.itemId)).toEqual([item]);
    expect(await themeLinks(two.id)).toHaveLength(0);

    // An archived theme may be merged into an active one; archived themes still count.
    await themes.unarchive("Invoices", AGENT);
    await themes.archive("Billing", AGENT);
    expect((await themes.list()).find((t) => t.id === one.id)).toMatchObject({ status: "archived", items: 1 });
    expect(await themes.merge("Billing", "Invoices", AGENT)).toMatchObject({ moved: 1 });
  });

  it("renaming a theme updates the cards of its items", async () => {
    const { themes, feedback } = await deskWithThemes();
    const theme = await themes.create("Dark mode", AGENT);
    const items = [await capture("Please add a dark mode"), await capture("The white screen hurts at night")];
    const untouched = await capture("Please support SAML");
    for (const id of items) await feedback.addThemes(id, [theme.id], AGENT);
    await desk.settle();
    const editsBefore = desk.slack.callsTo("chat.update").length;

    const result = await themes.rename("Dark mode", "Dark theme", AGENT);
    expect(result.cardsUpdated).toBe(2);
    await desk.settle();
    for (const id of items) expect((await cardOf(id)).text).toContain("`Dark theme`");
    expect((await cardOf(untouched)).text).toContain("no theme yet");
    expect(desk.slack.callsTo("chat.update").length - editsBefore).toBe(2);
  });

  it("updates at most the configured number of cards, the most recent first, and logs the rest", async () => {
    const { clock, feedback } = await deskWithThemes();
    const { themes } = feedbackUseCases(clock, { maxCardRefresh: 2 });
    // Texts unlike the theme's name, so no card also suggests it.
    const theme = await themes.create("Audit log", AGENT);
    const ids: number[] = [];
    for (const text of ["Admins want history", "We must see who changed what", "Compliance asks for records"]) {
      ids.push(await capture(text));
      clock.advance(MINUTE);
    }
    for (const id of ids) await feedback.addThemes(id, [theme.id], AGENT);
    await desk.settle();

    expect(await themes.rename("Audit log", "Audit trail", AGENT)).toMatchObject({ cardsUpdated: 2 });
    await desk.settle();
    expect((await cardOf(ids[0])).text).toContain("`Audit log`");
    for (const id of ids.slice(1)) expect((await cardOf(id)).text).toContain("`Audit trail`");
    expect(desk.logs.find((l) => l.event === "feedback.cards_not_refreshed")).toMatchObject({ theme: theme.id, updated: 2, skipped: 1 });
  });
});

describe("/feedback themes", () => {
  it("answers add, list, rename, merge, archive and usage, with names holding spaces and separators", async () => {
    const { command } = await deskWithThemes();
    expect(await command("")).toBe("No themes yet. Add one with `/feedback themes add <name>`.");
    expect(await command("add Time to first value")).toMatch(/^Theme \*Time to first value\* \(#\d+\) is added/);
    expect(await command("add Onboarding")).toContain("*Onboarding*");
    expect(await command("add onboarding")).toContain("There is already a theme called “Onboarding”");
    expect(await command("add")).toContain("Give the theme a name");

    // "to" inside the old name: the split that names a theme wins.
    expect(await command("rename time to first value to Time to value")).toBe("*Time to first value* is now called *Time to value*.");
    expect(await command("rename Onboarding -> Setup")).toBe("*Onboarding* is now called *Setup*.");
    expect(await command("rename Setup → Onboarding")).toBe("*Setup* is now called *Onboarding*.");
    // Names in answers are escaped for Slack (it shows `&lt;` as `<`).
    expect(await command("rename Onboarding")).toContain("Type `/feedback themes rename &lt;old&gt; to &lt;new&gt;`");
    expect(await command("rename Ghost to Spirit")).toBe("No theme called “Ghost”. `/feedback themes` lists them.");

    const list = await command("");
    expect(list).toContain("*Themes* (2 active):");
    expect(list).toContain("• *Onboarding* #");
    expect(list).toContain("· 0 items");

    expect(await command("merge time to value into onboarding")).toBe("*Time to value* is merged into *Onboarding*: 0 items moved.");
    expect(await command("merge onboarding into onboarding")).toContain("are the same theme");
    expect(await command("archive Onboarding")).toContain("*Onboarding* is archived");
    expect(await command("")).toContain("· _archived_");
    expect(await command("archive")).toContain("Which theme?");
    expect(await command("unarchive onboarding")).toBe("*Onboarding* is active again.");

    const usage = await command("frobnicate it");
    expect(usage).toContain("I don't know `/feedback themes frobnicate`");
    for (const form of ["add <name>", "rename <old> to <new>", "merge <from> into <to>", "archive <name>"]) expect(usage).toContain(form);
    expect(await themesCommand({} as SlackDeps, AGENT, "")).toContain("PRODUCT_CHANNEL");
  });

  it("works through the /feedback command of the running app, and a new theme is suggested at once", async () => {
    await deskWithThemes();
    const feedbackCommand = async (text: string) =>
      ((await (await desk.command({ command: "/feedback", text })).json()) as { text: string }).text;
    const before = await capture("The report export to Excel is broken");
    expect(JSON.parse((await db().feedbackItem.findUniqueOrThrow({ where: { id: before } })).suggestions)).toEqual([]);

    expect(await feedbackCommand("themes add Excel export")).toMatch(/^Theme \*Excel export\* \(#\d+\) is added/);
    // No minute to wait: a change of themes rebuilds the app's profiles.
    const after = await capture("Please let us export to Excel");
    expect((await cardOf(after)).text).toContain("Theme: Excel export");

    expect(await feedbackCommand("themes rename excel export → Spreadsheet export")).toBe(
      "*Excel export* is now called *Spreadsheet export*. 1 card will show it.",
    );
    await desk.settle();
    expect((await cardOf(after)).text).toContain("Theme: Spreadsheet export");
    expect(await feedbackCommand("themes")).toContain("• *Spreadsheet export* #");
    expect(await feedbackCommand("themes merge Spreadsheet export into Nothing")).toBe(
      "No theme called “Nothing”. `/feedback themes` lists them.",
    );
    expect(await feedbackCommand("themes what")).toContain("I don't know `/feedback themes what`");
  });

  it("keeps the list within one message, saying how many more there are", () => {
    const many: ThemeSummary[] = Array.from({ length: 120 }, (_, i) => ({
      id: i + 1,
      name: `Theme number ${i + 1} with a long name`,
      status: "active",
      items: 120 - i,
      createdAt: AT,
      shippedAt: null,
    }));
    const text = listText(many);
    expect(text.length).toBeLessThanOrEqual(3000);
    const shown = text.split("\n").filter((l) => l.startsWith("• ")).length;
    expect(text.endsWith(`…and ${120 - shown} more`)).toBe(true);
    expect(shown).toBeGreaterThan(40);
  });
});

describe("suggested themes", () => {
  it("scores a paraphrase above the threshold and unrelated text at nothing", () => {
    const index = new SimilarityIndex([
      {
        id: 1,
        name: "Excel export",
        documents: [
          "Excel export",
          "We need exports to Excel, the CSV is useless for our finance team",
          "Exporting big reports to Excel times out",
        ],
      },
      {
        id: 2,
        name: "SSO login",
        documents: ["SSO login", "SSO login loops back to the start page", "Okta single sign-on fails for new users"],
      },
      { id: 3, name: "Dark mode", documents: ["Dark mode", "Dark mode please, the white screen hurts at night"] },
    ]);
    const { threshold, maxSuggestions } = DEFAULT_SIMILARITY;
    expect(
      index.score("Could we get the report exported as an Excel file? Finance can't use CSV", threshold, maxSuggestions).map((s) => s.name),
    ).toEqual(["Excel export"]);
    expect(
      index
        .score("Single sign-on with <https://okta.com|Okta> keeps looping back to the login page :sob:", threshold, maxSuggestions)
        .map((s) => s.name),
    ).toEqual(["SSO login"]);
    expect(index.score("Invoices show the wrong VAT rate for Germany", threshold, maxSuggestions)).toEqual([]);
    expect(index.score("Our team loves the product", threshold, maxSuggestions)).toEqual([]);
    expect(index.score("", threshold, maxSuggestions)).toEqual([]);
  });

  it("a new item's card suggests the theme its text resembles, nothing for unrelated text, never an archived theme", async () => {
    const { clock, themes, feedback } = await deskWithThemes();
    const exports = await themes.create("Excel export", AGENT);
    const sso = await themes.create("SSO login", AGENT);
    const dark = await themes.create("Dark mode", AGENT);
    for (const [text, theme] of [
      ["We need exports to Excel, the CSV is useless for our finance team", exports],
      ["Exporting big reports to Excel times out", exports],
      ["SSO login loops back to the start page", sso],
      ["Okta single sign-on fails for new users", sso],
      ["Dark mode please, the white screen hurts at night", dark],
    ] as const) {
      await feedback.addThemes(await capture(text), [theme.id], AGENT);
    }
    await themes.archive("Dark mode", AGENT);
    // The app's profiles are at most a minute old: a minute later they include these items.
    clock.advance(MINUTE + 1000);

    const paraphrase = await capture("Could the monthly report be exported as an Excel file? Finance can't work with CSV");
    const unrelated = await capture("Invoices show the wrong VAT rate for Germany");
    const darkAgain = await capture("Please give us a dark mode, the white screen is too bright at night");
    const suggestions = async (id: number) =>
      JSON.parse((await db().feedbackItem.findUniqueOrThrow({ where: { id } })).suggestions) as {
        id: number;
        name: string;
        similarity: number;
      }[];

    const [top, ...others] = await suggestions(paraphrase);
    expect(top).toMatchObject({ id: exports.id, name: "Excel export" });
    expect(top.similarity).toBeGreaterThanOrEqual(DEFAULT_SIMILARITY.threshold);
    expect(others.map((s) => s.id)).not.toContain(sso.id);
    expect(await suggestions(unrelated)).toEqual([]);
    expect(await suggestions(darkAgain)).toEqual([]);

    const card = await cardOf(paraphrase);
    expect(card.text).toContain("Theme: Excel export");
    expect(card.text).toContain(`"value":"${paraphrase}:${exports.id}"`);
    expect((await cardOf(unrelated)).text).not.toContain("feedback_confirm_theme");

    // Renamed, the suggested theme's button shows its new name.
    expect(await themes.rename("Excel export", "Spreadsheet export", AGENT)).toMatchObject({ cardsUpdated: 3 });
    await desk.settle();
    expect((await suggestions(paraphrase))[0]).toMatchObject({ id: exports.id, name: "Spreadsheet export" });
    expect((await cardOf(paraphrase)).text).toContain("Theme: Spreadsheet export");
  });

  it("clicking a suggestion tags the item and updates its card; stale and withdrawn buttons are answered privately", async () => {
    const { clock, themes, feedback } = await deskWithThemes();
    const exports = await themes.create("Excel export", AGENT);
    await feedback.addThemes(await capture("We need exports to Excel for finance"), [exports.id], AGENT);
    clock.advance(MINUTE + 1000);
    const item = await capture("Please let us export reports to Excel");
    expect((await cardOf(item)).text).toContain("feedback_confirm_theme_0");

    const { response } = await confirmClick(item, exports.id, AGENT2);
    expect(response.status).toBe(200);
    await desk.settle();
    expect(await db().feedbackTheme.findUniqueOrThrow({ where: { itemId_themeId: { itemId: item, themeId: exports.id } } })).toMatchObject({
      addedById: AGENT2,
    });
    const card = await cardOf(item);
    expect(card.text).toContain("`Excel export`");
    expect(card.text).not.toContain("feedback_confirm_theme");

    // A second click changes nothing.
    await confirmClick(item, exports.id);
    await desk.settle();
    expect(await themeLinks(exports.id)).toHaveLength(2);

    // A suggestion of a theme merged since stands for the theme it joined.
    const other = await capture("Excel exports please, CSV is not enough");
    const xlsx = await themes.create("XLSX", AGENT);
    await themes.merge("XLSX", "Excel export", AGENT);
    await confirmClick(other, xlsx.id);
    await desk.settle();
    expect((await themeLinks(exports.id)).map((l) => l.itemId)).toContain(other);

    // An archived theme is not tagged; the person is told why.
    await themes.archive("Excel export", AGENT);
    const third = await capture("Exports to Excel would save us hours");
    const archived = await confirmClick(third, exports.id);
    const answer = await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === archived.id), 5000, "ephemeral answer");
    expect(answer.body.text).toContain("“Excel export” is archived");
    expect(await db().feedbackTheme.count({ where: { itemId: third } })).toBe(0);

    // A withdrawn item: nothing stored, and a private answer.
    await themes.unarchive("Excel export", AGENT);
    await db().feedbackItem.update({ where: { id: third }, data: { status: "withdrawn" } });
    const withdrawn = await confirmClick(third, exports.id);
    const told = await desk.slack.waitFor(() => desk.slack.responses.find((r) => r.id === withdrawn.id), 5000, "ephemeral answer");
    expect(told.body.text).toBe("This feedback was withdrawn.");
    expect(await db().feedbackTheme.count({ where: { itemId: third } })).toBe(0);
  });

  it("reads only well-formed button values", () => {
    expect(parseConfirmValue("12:3")).toEqual({ itemId: 12, themeId: 3 });
    for (const bad of ["12", "12:", ":3", "0:3", "a:b", "12:3:4", undefined, 42]) expect(parseConfirmValue(bad)).toBeNull();
  });
});
