// Replays the server's recorded resolver outcomes through the GraphQL reference
// implementation (npm `graphql`) and compares the responses.
//
//   node reference-execution.mjs <schema.graphql> <corpus.json>...
//
// Each corpus file is written by the `reference` integration test (REFERENCE_CORPUS_OUT): for
// every document, the variables, what each resolver returned or raised (`resolved`), and the
// server's `data` (as JSON text, key order kept) and `errors`. graphql-js executes the same
// document against the schema in schema.graphql with resolvers that return exactly the
// recorded outcomes, so any difference comes from completion: field order, nulls for errors,
// null propagation, fragment and directive handling. Exits non-zero on any difference, or when
// a file holds fewer cases than expected.
//
// One difference is allowed, and checked to be only that: once a null has propagated through
// a list, graphql-js stops reporting its other items' errors (its Promise.all rejects with the
// first), while the server reports every field that raised an error, as §6.4.4 asks. So every
// error graphql-js reports must be one of ours, and each extra error of ours must lie under a
// null that propagation put in our data.
import { readFileSync } from 'node:fs';
import { buildSchema, execute, parse, validate } from 'graphql';

const MIN_CASES = 10;

const [schemaPath, ...corpusPaths] = process.argv.slice(2);
if (!schemaPath || corpusPaths.length === 0) {
  console.error('usage: reference-execution.mjs <schema.graphql> <corpus.json>...');
  process.exit(2);
}
const schema = buildSchema(readFileSync(schemaPath, 'utf8'));

/** The value a resolver returned, or the error it raised, as recorded. */
function replay(entry, where) {
  if (entry === undefined) throw new Error(`no outcome was recorded at ${where}`);
  if ('error' in entry) throw new Error(entry.error);
  if ('list' in entry) return entry.list.map((item, index) => replay(item, `${where}.${index}`));
  if ('node' in entry) return entry.node;
  return entry.value;
}

function pathOf(path) {
  const steps = [];
  for (let at = path; at; at = at.prev) steps.unshift(at.key);
  return steps;
}

// Asynchronous, as the server's resolvers are: every field of an object runs even when a
// sibling's error nulls the object, so both sides report the same errors.
const fieldResolver = async (source, _args, _context, info) =>
  replay(source.fields[info.path.key], pathOf(info.path).join('.'));
const typeResolver = (value) => value.__typename;

const errorKey = (error) => JSON.stringify([error.path ?? null, error.message]);

/** Whether some parent of `path` (`data` itself included) is null in `data`. */
function underNull(data, path) {
  let at = data;
  for (const step of path.slice(0, -1)) {
    if (at === null || at === undefined) return true;
    at = at[step];
  }
  return at === null || at === undefined;
}

let failures = 0;
let compared = 0;
for (const corpusPath of corpusPaths) {
  const cases = JSON.parse(readFileSync(corpusPath, 'utf8'));
  if (cases.length < MIN_CASES) {
    console.error(`${corpusPath}: ${cases.length} cases, expected at least ${MIN_CASES}`);
    failures += 1;
  }
  for (const testCase of cases) {
    const document = parse(testCase.query);
    const invalid = validate(schema, document);
    if (invalid.length > 0) {
      console.error(`${corpusPath}: ${testCase.name}: not valid for graphql-js: ${invalid}`);
      failures += 1;
      continue;
    }
    const reference = await execute({
      schema,
      document,
      rootValue: testCase.resolved,
      variableValues: testCase.variables,
      fieldResolver,
      typeResolver,
    });
    const referenceData = JSON.stringify(reference.data ?? null);
    const ourData = JSON.parse(testCase.data);
    const ours = new Set(testCase.errors.map(errorKey));
    const theirs = new Set((reference.errors ?? []).map(errorKey));
    compared += 1;
    const problems = [];
    if (referenceData !== testCase.data) {
      problems.push(`data differs\n    graphql-js: ${referenceData}\n    server:     ${testCase.data}`);
    }
    for (const error of theirs) {
      if (!ours.has(error)) problems.push(`graphql-js reports an error the server does not: ${error}`);
    }
    for (const error of testCase.errors) {
      if (!theirs.has(errorKey(error)) && !underNull(ourData, error.path)) {
        problems.push(`the server reports an error outside a nulled subtree: ${errorKey(error)}`);
      }
    }
    if (problems.length > 0) {
      failures += 1;
      console.error(`${corpusPath}: ${testCase.name}:\n  ${problems.join('\n  ')}`);
    }
  }
}
console.log(`reference execution: ${compared} responses compared, ${failures} problems`);
process.exit(failures === 0 ? 0 : 1);
