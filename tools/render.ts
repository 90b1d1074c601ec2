// `npm run render -- [surface…] [--out <dir>] [--stdout]`: the Block Kit JSON of each surface in each
// state, from fixtures (no database, no Slack), for Slack's Block Kit Builder. Writes to render/ (git
// ignores it) and prints a table of block counts; --stdout prints the JSON instead of writing files.
// Exits 1 when a payload breaks a Block Kit limit; warns about a message with more text in its blocks than
// LIMITS.blockTextPerMessage (Slack's cumulative limit is undocumented).
import { blockTextProblem, builderJson, limitProblems, renderSurfaces, table, writeRenders } from "./render/render.ts";

function main(argv: string[]): number {
  const names: string[] = [];
  let out = "render";
  let stdout = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--out") out = argv[++i] ?? out;
    else if (a === "--stdout") stdout = true;
    else if (a === "--help" || a === "-h") {
      process.stdout.write("Usage: npm run render -- [surface…] [--out <dir>] [--stdout]\n");
      return 0;
    } else names.push(a);
  }
  let rendered;
  try {
    rendered = renderSurfaces(names);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  const problems = rendered.flatMap((r) =>
    r.payloads.flatMap((p, i) => limitProblems(p).map((problem) => `${r.surface}/${r.state} payload ${i + 1}: ${problem}`)),
  );
  if (stdout) {
    for (const r of rendered)
      r.payloads.forEach((p, i) =>
        process.stdout.write(`// ${r.surface} ${r.state}${i ? ` (thread ${i})` : ""}\n${JSON.stringify(builderJson(p), null, 2)}\n`),
      );
  } else {
    const paths = writeRenders(rendered, out);
    process.stdout.write(
      `${table(rendered)}\n\n${paths.length} files in ${out}/: paste one into https://app.slack.com/block-kit-builder\n`,
    );
  }
  for (const p of problems) process.stderr.write(`Block Kit limit broken: ${p}\n`);
  // Slack's limit on a message's text in all is undocumented: a warning, not a failure.
  for (const r of rendered)
    r.payloads.forEach((p, i) => {
      const problem = blockTextProblem(p);
      if (problem)
        process.stderr.write(`Warning: ${r.surface}/${r.state} payload ${i + 1}: ${problem} (Slack may refuse it: msg_blocks_too_long)\n`);
    });
  return problems.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
