#!/usr/bin/env node
// The schema a client learns by introspection is the one in schema.graphql, as graphql-js sees
// them: printSchema(buildClientSchema(<full introspection>)) against
// printSchema(buildSchema(schema.graphql)). And GET /graphql/schema.graphql is that file, byte
// for byte.
//
//   npm ci --prefix scripts/conformance
//   node scripts/conformance/sdl-check.mjs http://127.0.0.1:8080 schema.graphql
//
// schema.graphql lists fields and enum values sorted (src/graphql/schema.rs), introspection in
// declaration order; so when the two prints differ, both are sorted (lexicographicSortSchema)
// and must then be identical. Differences are shown with `diff -u`. Exits 1 on any difference.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema,
} from 'graphql';

const [base, schemaFile] = process.argv.slice(2);
if (!base || !schemaFile) {
  console.error('usage: sdl-check.mjs <server base url, e.g. http://127.0.0.1:8080> <schema.graphql>');
  process.exit(2);
}

let failures = 0;
function check(name, ok, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `\n${detail}`}`);
  if (!ok) failures += 1;
}
// `diff -u` of two texts, at most 80 lines of it.
function diff(aName, a, bName, b) {
  const dir = mkdtempSync(join(tmpdir(), 'sdl-check-'));
  try {
    writeFileSync(join(dir, aName), a);
    writeFileSync(join(dir, bName), b);
    const args = ['-u', '--label', aName, '--label', bName, aName, bName];
    const out = spawnSync('diff', args, { cwd: dir, encoding: 'utf8' }).stdout.split('\n');
    return out.slice(0, 80).join('\n') + (out.length > 80 ? `\n… ${out.length - 80} more diff lines` : '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = readFileSync(schemaFile);

// 1. The SDL endpoint serves the file unchanged.
const sdlResponse = await fetch(`${base}/graphql/schema.graphql`);
const served = Buffer.from(await sdlResponse.arrayBuffer());
check(`GET /graphql/schema.graphql is byte-identical to schema.graphql (${file.length} bytes)`,
  sdlResponse.status === 200 && Buffer.compare(served, file) === 0,
  sdlResponse.status !== 200
    ? `status ${sdlResponse.status}`
    : diff('schema.graphql', file.toString(), 'served.graphql', served.toString()));

// 2. Full introspection (every optional part graphql-js 16 knows: the schema's description,
// specifiedByURL, repeatable directives, deprecated arguments, @oneOf) vs the file.
const query = getIntrospectionQuery({
  descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true,
  schemaDescription: true, oneOf: true,
});
const response = await fetch(`${base}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
  body: JSON.stringify({ query }),
});
const result = await response.json();
check('full introspection query answered without errors', response.status === 200 && result.data && !result.errors,
  JSON.stringify(result.errors ?? result).slice(0, 2000));
if (result.data) {
  const introspected = buildClientSchema(result.data);
  const declared = buildSchema(file.toString());
  // The spec's `__Schema.description: String` is the schema's own description.
  check(`__schema.description is the schema's description (${JSON.stringify(declared.description ?? null)})`,
    result.data.__schema.description === (declared.description ?? null),
    `     got ${JSON.stringify(result.data.__schema.description)}`);
  const [a, b] = [printSchema(declared), printSchema(introspected)];
  if (a === b) {
    check('introspected schema prints exactly as schema.graphql (order included)', true);
  } else {
    const [sa, sb] = [printSchema(lexicographicSortSchema(declared)), printSchema(lexicographicSortSchema(introspected))];
    check('introspected schema prints as schema.graphql once both are sorted', sa === sb,
      diff('schema.graphql', sa, 'introspection.graphql', sb));
    if (sa === sb) console.log('     (only the order of fields or enum values differs: schema.graphql sorts them)');
  }
  const types = Object.keys(introspected.getTypeMap()).filter((t) => !t.startsWith('__')).length;
  console.log(`     ${types} types, ${introspected.getDirectives().length} directives compared`);
}

console.log(failures ? `SDL check: ${failures} failed` : 'SDL check: introspection and schema.graphql agree');
process.exit(failures ? 1 : 0);
