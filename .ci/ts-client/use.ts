// An app developer's first afternoon: list options, open one, ask for advice, show it. Written without `?.`, `!`
// or casts: strict mode must accept it because the spec says what is always there.
import createClient from "openapi-fetch";
import type { paths, components } from "./generated/api.js";

type Recommendation = components["schemas"]["Recommendation"];

const base = process.argv[2];
if (!base) throw new Error("usage: node .ci/ts-client/dist/use.js BASE_URL");
const client = createClient<paths>({ baseUrl: base });

function fail(message: string): never {
  throw new Error(message);
}

async function main(): Promise<void> {
  const list = await client.GET("/v1/treatments");
  if (!list.data) fail(`GET /v1/treatments: ${list.response.status}`);
  const first = list.data[0];
  const names: string[] = list.data.map((t) => t.name);
  console.log(`${names.length} treatments; first ${first.id} (${first.category}, ${first.evidence.certainty})`);

  const one = await client.GET("/v1/treatments/{treatment_id}", { params: { path: { treatment_id: "stretching-exercises" } } });
  if (!one.data) fail(`GET treatment: ${one.response.status}`);
  const steps: number = one.data.exercises.reduce((n, x) => n + x.steps.length, 0);
  console.log(`${one.data.name}: ${one.data.exercises.length} exercises, ${steps} steps`);

  const flags = await client.GET("/v1/red-flags");
  if (!flags.data) fail(`GET /v1/red-flags: ${flags.response.status}`);
  const urgent = flags.data.filter((f) => f.urgency === "emergency").map((f) => f.question);
  console.log(`${urgent.length} emergency questions`);

  const asked = await client.POST("/v1/recommendations", {
    body: { symptom_duration_days: 10, pain_severity: 6, red_flags: [], red_flags_screened: true, medications: ["anticoagulant"] },
  });
  if (!asked.data) fail(`POST /v1/recommendations: ${asked.response.status}`);
  const rec: Recommendation = asked.data;
  const level: string = rec.triage.level;
  const top = rec.recommendations[0];
  const why: string = top.reasons.map((r) => r.text).join(" ");
  const unsafe = rec.excluded.filter((e) => e.kind === "contraindicated");
  const disclaimers: number = rec.disclaimers.length;
  console.log(`triage ${level}; first ${top.name} (rank ${top.rank}, ${top.evidence.certainty}): ${why}`);
  console.log(`${unsafe.length} unsafe options, ${rec.excluded.length} excluded in all, ${disclaimers} disclaimers`);
  if (disclaimers === 0) fail("an answer without disclaimers");
  if (unsafe.length === 0) fail("an anticoagulated person with nothing contraindicated");

  const found = await client.GET("/v1/medicines", { params: { query: { q: "warfarin" } } });
  if (!found.data) fail(`GET /v1/medicines: ${found.response.status}`);
  const classes: string[] = found.data.flatMap((m) => m.classes);
  console.log(`warfarin: ${found.data.length} matches, classes ${classes.join(", ")}`);
  const byName = await client.POST("/v1/recommendations", {
    body: { symptom_duration_days: 10, red_flags_screened: true, medications: ["warfarin"] },
  });
  if (!byName.data) fail(`POST /v1/recommendations by name: ${byName.response.status}`);
  const sameUnsafe = byName.data.excluded.filter((e) => e.kind === "contraindicated").length;
  console.log(`by name: ${sameUnsafe} unsafe options`);

  const picture = one.data.exercises[0].illustration;
  const svg = await fetch(new URL(picture.url, base));
  if (!svg.ok || !(await svg.text()).startsWith("<svg")) fail(`${picture.url}: ${svg.status}`);
  console.log(`${picture.url}: ${picture.width}x${picture.height}, alt "${picture.alt.slice(0, 40)}..."`);

  const bundle = await client.GET("/v1/bundle");
  if (!bundle.data) fail(`GET /v1/bundle: ${bundle.response.status}`);
  const offline = bundle.data.content;
  console.log(`bundle ${bundle.data.content_version} (${bundle.data.language}): ${offline.treatments.length} treatments, ${offline.tips.length} tips, ${Object.keys(offline.illustrations).length} pictures`);

  const feed = await client.GET("/v1/releases");
  if (!feed.data) fail(`GET /v1/releases: ${feed.response.status}`);
  const newest = feed.data.releases[0];
  console.log(`newest release ${newest.version}: must refresh ${newest.must_refresh}, ${newest.changes.added.length} added`);

  const meta = await client.GET("/v1/meta");
  if (!meta.data) fail(`GET /v1/meta: ${meta.response.status}`);
  console.log(`content ${meta.data.content_version}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
