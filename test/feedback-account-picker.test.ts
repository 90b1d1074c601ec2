// The Send to product modal's account picker (external_select): staff relaying a customer's request
// attribute it to the account, so it is stored with that account and counts with its ARR.
import { afterEach, describe, expect, it } from "vitest";
import { AGENT, AGENT2, HOME_TEAM, startDesk, type Desk } from "./support/harness.ts";
import { TestClock } from "./support/test-clock.ts";

const INTERNAL = "CINTERNAL";
const AT = new Date("2026-11-20T10:00:00Z");

let desk: Desk;
afterEach(async () => desk?.stop());

async function deskWithAccounts() {
  desk = await startDesk({
    env: {
      PRODUCT_CHANNEL: "CPRODUCT",
      SLA_SWEEP_CRON: "off",
      SUPPORT_SUMMARY_CRON: "off",
      HEALTH_CHECK_CRON: "off",
      VOC_DIGEST_CRON: "off",
    },
    start: { clock: new TestClock(AT) },
  });
  const c = desk.app.db.client;
  await c.account.create({
    data: { externalId: "globex", name: "Globex <Intl>", domain: "globex.io", arr: 40000, createdAt: AT, updatedAt: AT },
  });
  await c.account.create({ data: { externalId: "globe-small", name: "Globe Small", arr: 500, createdAt: AT, updatedAt: AT } });
  await c.account.create({ data: { externalId: "acme", name: "Acme Corp", arr: 120000, createdAt: AT, updatedAt: AT } });
}

const base = {
  team: { id: HOME_TEAM, domain: "example" },
  user: { id: AGENT, username: "agent", name: "agent", team_id: HOME_TEAM },
  api_app_id: "A111",
  token: "verification_token",
};

async function openModal() {
  // A colleague relays what Globex asked for, in an internal channel linked to no account.
  const msg = desk.slack.seed(INTERNAL, { user: AGENT2, text: "Globex asked again for SSO with Okta" });
  await desk.interaction({
    ...base,
    type: "message_action",
    action_ts: "1583637157.207593",
    user: { id: AGENT, name: "agent" },
    channel: { id: INTERNAL, name: "internal" },
    callback_id: "send_to_product",
    trigger_id: "111.222.xxx",
    message_ts: msg.ts,
    message: { type: "message", text: msg.text, user: AGENT2, ts: msg.ts },
    response_url: desk.slack.responseUrl("s1"),
  });
  const opened = await desk.slack.waitFor(() => desk.slack.views.find((v) => v.method === "views.open"), 5000, "views.open");
  return opened.view as { private_metadata: string; blocks: { block_id?: string; element?: { type: string; action_id: string } }[] };
}

const submit = (metadata: string, values: Record<string, unknown>) =>
  desk.interaction({
    ...base,
    type: "view_submission",
    trigger_id: "1.2.3",
    view: {
      id: "V1",
      team_id: HOME_TEAM,
      type: "modal",
      callback_id: "send_to_product_modal",
      private_metadata: metadata,
      hash: "h",
      state: { values },
    },
  });

describe("Send to product: the account picker", () => {
  it("suggests accounts by name as you type (ARR first, names escaped) and stores the item with the account picked", async () => {
    await deskWithAccounts();
    const view = await openModal();
    const picker = view.blocks.find((b) => b.block_id === "account");
    expect(picker?.element).toMatchObject({ type: "external_select", action_id: "send_to_product_account" });

    const suggest = await desk.interaction({
      ...base,
      type: "block_suggestion",
      action_id: "send_to_product_account",
      block_id: "account",
      value: "GLOB",
      container: { type: "view", view_id: "V1" },
      view: { id: "V1", type: "modal", callback_id: "send_to_product_modal", private_metadata: view.private_metadata },
    });
    expect(suggest.status).toBe(200);
    const { options } = (await suggest.json()) as { options: { text: { text: string }; value: string }[] };
    expect(options.map((o) => [o.value, o.text.text])).toEqual([
      ["globex", "Globex &lt;Intl&gt; · ARR $40,000"],
      ["globe-small", "Globe Small · ARR $500"],
    ]);

    const sent = await submit(view.private_metadata, {
      account: {
        send_to_product_account: {
          type: "external_select",
          selected_option: { text: { type: "plain_text", text: "Globex" }, value: "globex" },
        },
      },
    });
    expect(sent.status).toBe(200);
    await desk.settle();
    const [item] = await desk.app.db.client.feedbackItem.findMany();
    expect(item).toMatchObject({ origin: "shortcut", accountExternalId: "globex", accountArr: 40000, internal: true });
  });

  it("without a pick, the item has no account (as before); an account gone since is refused on the picker", async () => {
    await deskWithAccounts();
    const view = await openModal();
    const gone = (await (
      await submit(view.private_metadata, {
        account: {
          send_to_product_account: {
            type: "external_select",
            selected_option: { text: { type: "plain_text", text: "X" }, value: "deleted-co" },
          },
        },
      })
    ).json()) as { response_action: string; errors: Record<string, string> };
    expect(gone.response_action).toBe("errors");
    expect(Object.keys(gone.errors)).toEqual(["account"]);
    expect(await desk.app.db.client.feedbackItem.count()).toBe(0);

    expect((await submit(view.private_metadata, {})).status).toBe(200);
    await desk.settle();
    const [item] = await desk.app.db.client.feedbackItem.findMany();
    expect(item.accountExternalId).toBeNull();
  });
});
