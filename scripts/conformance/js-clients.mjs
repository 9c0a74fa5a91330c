#!/usr/bin/env node
// The server as three JavaScript GraphQL clients use it: Apollo Client 3 (automatic persisted
// queries over POST and GET, BatchHttpLink), urql (@urql/core) and graphql-request.
//
//   npm ci --prefix scripts/conformance
//   node scripts/conformance/js-clients.mjs http://127.0.0.1:8080/graphql <token of the demo admin>
//
// Needs a fresh server (no persisted query registered yet) with the demo data (SEED_DEMO=always).
// Each client runs a query with variables, a mutation answered with userErrors, errors (no
// token: UNAUTHENTICATED; an unknown field: BAD_USER_INPUT) surfaced with their
// extensions.code, and a batch (urql has none). Every HTTP exchange goes through a recording
// fetch, so the checks see what went over the wire. One line per check; exits 1 on a failure.

import { createHash } from 'node:crypto';
import { ApolloClient, InMemoryCache, HttpLink, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';
import { BatchHttpLink } from '@apollo/client/link/batch-http/index.js';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { ClientError, GraphQLClient } from 'graphql-request';

const [url, token] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: js-clients.mjs <graphql url> <bearer token of ada.admin@example.com>');
  process.exit(2);
}
const auth = { authorization: `Bearer ${token}` };

const USER_BY_SLUG = `query UserBySlug($slug: String!) { userBySlug(slug: $slug) { id name slug } }`;
const ME = `query Me { me { id userName } }`;
const ME_GET = `query MeOverGet { me { id userName slug } }`;
const BAD_FIELD = `query BadField { me { id noSuchField } }`;
const CREATE_OBJECTIVE = `mutation CreateObjective($input: CreateObjectiveInput!) {
  createObjective(input: $input) { objective { id } userErrors { path code message } }
}`;
// README's CreateObjective example: the second key result is blank.
const BLANK_KEY_RESULT = {
  okrId: '3', content: 'Ship the mobile app',
  keyResults: [{ content: 'Beta in the store', midScore: '0.5' }, { content: '' }],
};

let failures = 0;
let passed = 0;
function check(name, ok, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${name}`);
  } else {
    failures += 1;
    console.log(`FAIL ${name}\n     ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`);
  }
}
// Runs one check's body; an exception is that check's failure, not the end of the run.
async function attempt(name, body) {
  try {
    await body();
  } catch (err) {
    check(name, false, `threw ${err?.stack ?? err}`);
  }
}

// A fetch that records each exchange: method, URL, parsed request body, status, parsed answer.
function recordingFetch() {
  const log = [];
  const fetchFn = async (input, init = {}) => {
    const response = await fetch(input, init);
    const entry = { method: (init.method ?? 'GET').toUpperCase(), url: String(input), status: response.status };
    entry.body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
    entry.answer = await response.clone().json().catch(() => null);
    log.push(entry);
    return response;
  };
  return { fetch: fetchFn, log };
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const codes = (errors) => (errors ?? []).map((e) => e?.extensions?.code);
// Apollo puts GraphQL errors in graphQLErrors, or, after a non-2xx answer, in networkError.result.
const apolloCodes = (err) => codes(err?.graphQLErrors?.length ? err.graphQLErrors : err?.networkError?.result?.errors);
const requiredBlank = (payload) => payload?.objective === null && payload.userErrors?.length > 0 &&
  payload.userErrors.some((e) => e.code === 'REQUIRED' && e.path?.join('.') === 'keyResults.1.content');
const persisted = (body) => body?.extensions?.persistedQuery;
// What an Apollo request sent: a POST body, or a GET's query string.
function sent(entry) {
  if (entry.method !== 'GET') return entry.body;
  const params = new URL(entry.url).searchParams;
  return { query: params.get('query') ?? undefined, extensions: JSON.parse(params.get('extensions') ?? 'null') };
}

// ---------------------------------------------------------------------------------------------
// Apollo Client: createPersistedQueryLink before HttpLink, InMemoryCache.
function apollo({ withToken = true, useGET = false } = {}) {
  const rec = recordingFetch();
  const http = new HttpLink({ uri: url, fetch: rec.fetch, headers: withToken ? auth : {} });
  const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: useGET }).concat(http);
  return { client: new ApolloClient({ link, cache: new InMemoryCache() }), log: rec.log };
}

// Checks the persisted-query exchange of one operation: the hash alone first, then (when the
// server did not hold it) PERSISTED_QUERY_NOT_FOUND and the retry with the document.
function checkApq(name, log, { expectMiss, firstMethod }) {
  const first = log[0] && sent(log[0]);
  const hash = persisted(first)?.sha256Hash;
  check(`${name}: first request (${firstMethod}) sends only the hash`,
    log[0]?.method === firstMethod && /^[0-9a-f]{64}$/.test(hash ?? '') && first.query === undefined,
    log[0]);
  if (expectMiss) {
    check(`${name}: server answers PERSISTED_QUERY_NOT_FOUND (message PersistedQueryNotFound)`,
      codes(log[0]?.answer?.errors).includes('PERSISTED_QUERY_NOT_FOUND') &&
        log[0].answer.errors[0].message === 'PersistedQueryNotFound' && log[0].answer.data === undefined,
      log[0]?.answer);
    const retry = log[1] && sent(log[1]);
    check(`${name}: retry sends the document with its SHA-256 and succeeds`,
      log.length === 2 && persisted(retry)?.sha256Hash === hash && sha256(retry.query ?? '') === hash &&
        log[1].status === 200 && log[1].answer?.data && !log[1].answer.errors,
      log.slice(1));
  } else {
    check(`${name}: the hash alone is answered (one request, no error)`,
      log.length === 1 && log[0].status === 200 && log[0].answer?.data && !log[0].answer.errors, log);
  }
}

async function apolloChecks() {
  await attempt('apollo: query with variables', async () => {
    const a = apollo();
    const { data } = await a.client.query({ query: gql(USER_BY_SLUG), variables: { slug: 'grace.hopper' } });
    check('apollo: query with variables (userBySlug grace.hopper)', data?.userBySlug?.name === 'Grace Hopper', data);
    checkApq('apollo APQ POST, new document', a.log, { expectMiss: true, firstMethod: 'POST' });
  });
  await attempt('apollo: known hash from a new client', async () => {
    const b = apollo();
    const { data } = await b.client.query({ query: gql(USER_BY_SLUG), variables: { slug: 'grace.hopper' } });
    check('apollo APQ POST, second client: same answer', data?.userBySlug?.name === 'Grace Hopper', data);
    checkApq('apollo APQ POST, second client', b.log, { expectMiss: false, firstMethod: 'POST' });
  });
  await attempt('apollo: useGETForHashedQueries', async () => {
    const c = apollo({ useGET: true });
    const first = await c.client.query({ query: gql(ME_GET) });
    check('apollo APQ GET, new document: me is the demo admin', first.data?.me?.userName === 'ada.admin@example.com', first.data);
    checkApq('apollo APQ GET, new document', c.log, { expectMiss: true, firstMethod: 'GET' });
    const d = apollo({ useGET: true });
    const again = await d.client.query({ query: gql(ME_GET) });
    check('apollo APQ GET, second client: same answer', again.data?.me?.userName === 'ada.admin@example.com', again.data);
    checkApq('apollo APQ GET, second client', d.log, { expectMiss: false, firstMethod: 'GET' });
  });
  await attempt('apollo: mutation with userErrors', async () => {
    const a = apollo();
    const { data } = await a.client.mutate({ mutation: gql(CREATE_OBJECTIVE), variables: { input: BLANK_KEY_RESULT } });
    check('apollo: mutation answers userErrors (REQUIRED at keyResults.1.content)', requiredBlank(data?.createObjective), data);
  });
  await attempt('apollo: errors', async () => {
    const anon = apollo({ withToken: false });
    const err = await anon.client.query({ query: gql(ME) }).then(() => null, (e) => e);
    check('apollo: no token -> ApolloError with UNAUTHENTICATED', apolloCodes(err).includes('UNAUTHENTICATED'), String(err));
    const a = apollo();
    const bad = await a.client.query({ query: gql(BAD_FIELD) }).then(() => null, (e) => e);
    check('apollo: unknown field -> ApolloError naming the field, with BAD_USER_INPUT',
      /noSuchField/.test(bad?.message ?? '') && apolloCodes(bad).includes('BAD_USER_INPUT'), String(bad));
  });
  await attempt('apollo: BatchHttpLink', async () => {
    const rec = recordingFetch();
    const link = new BatchHttpLink({ uri: url, fetch: rec.fetch, headers: auth, batchMax: 10, batchInterval: 20 });
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    const [me, grace] = await Promise.all([
      client.query({ query: gql(ME) }),
      client.query({ query: gql(USER_BY_SLUG), variables: { slug: 'grace.hopper' } }),
    ]);
    check('apollo: BatchHttpLink sends one POST with a JSON array of 2 operations',
      rec.log.length === 1 && Array.isArray(rec.log[0].body) && rec.log[0].body.length === 2, rec.log);
    check('apollo: BatchHttpLink results in order',
      me.data?.me?.userName === 'ada.admin@example.com' && grace.data?.userBySlug?.name === 'Grace Hopper',
      [me.data, grace.data]);
  });
}

// ---------------------------------------------------------------------------------------------
// urql: cacheExchange + fetchExchange; queries go over GET when the URL is short enough.
async function urqlChecks() {
  const make = (withToken) => {
    const rec = recordingFetch();
    const client = new Client({
      url, exchanges: [cacheExchange, fetchExchange], fetch: rec.fetch,
      fetchOptions: () => ({ headers: withToken ? auth : {} }),
    });
    return { client, log: rec.log };
  };
  await attempt('urql: query with variables', async () => {
    const u = make(true);
    const r = await u.client.query(USER_BY_SLUG, { slug: 'grace.hopper' }).toPromise();
    check('urql: query with variables (userBySlug grace.hopper, over GET)',
      !r.error && r.data?.userBySlug?.name === 'Grace Hopper' && u.log[0]?.method === 'GET', r.error?.message ?? r.data);
  });
  await attempt('urql: mutation with userErrors', async () => {
    const u = make(true);
    const r = await u.client.mutation(CREATE_OBJECTIVE, { input: BLANK_KEY_RESULT }).toPromise();
    check('urql: mutation answers userErrors (REQUIRED at keyResults.1.content)',
      !r.error && requiredBlank(r.data?.createObjective) && u.log[0]?.method === 'POST', r.error?.message ?? r.data);
  });
  await attempt('urql: errors', async () => {
    const anon = make(false);
    const r = await anon.client.query(ME, {}).toPromise();
    check('urql: no token -> CombinedError with UNAUTHENTICATED',
      codes(r.error?.graphQLErrors).includes('UNAUTHENTICATED') && !r.error.networkError, r.error?.message ?? r);
    const u = make(true);
    const bad = await u.client.query(BAD_FIELD, {}).toPromise();
    check('urql: unknown field -> CombinedError naming the field, with BAD_USER_INPUT',
      /noSuchField/.test(bad.error?.graphQLErrors?.[0]?.message ?? '') &&
        codes(bad.error.graphQLErrors).includes('BAD_USER_INPUT'),
      bad.error?.message ?? bad);
  });
  console.log('skip urql: batch (@urql/core has no batching: urql-graphql/urql#800)');
}

// ---------------------------------------------------------------------------------------------
// graphql-request: GraphQLClient.request and batchRequests.
async function graphqlRequestChecks() {
  const make = (withToken) => {
    const rec = recordingFetch();
    return { client: new GraphQLClient(url, { headers: withToken ? auth : {}, fetch: rec.fetch }), log: rec.log };
  };
  await attempt('graphql-request: query with variables', async () => {
    const data = await make(true).client.request(USER_BY_SLUG, { slug: 'grace.hopper' });
    check('graphql-request: query with variables (userBySlug grace.hopper)', data?.userBySlug?.name === 'Grace Hopper', data);
  });
  await attempt('graphql-request: mutation with userErrors', async () => {
    const data = await make(true).client.request(CREATE_OBJECTIVE, { input: BLANK_KEY_RESULT });
    check('graphql-request: mutation answers userErrors (REQUIRED at keyResults.1.content)',
      requiredBlank(data?.createObjective), data);
  });
  await attempt('graphql-request: errors', async () => {
    const err = await make(false).client.request(ME).then(() => null, (e) => e);
    check('graphql-request: no token -> ClientError with UNAUTHENTICATED',
      err instanceof ClientError && codes(err.response?.errors).includes('UNAUTHENTICATED'), String(err));
    const bad = await make(true).client.request(BAD_FIELD).then(() => null, (e) => e);
    check('graphql-request: unknown field -> ClientError naming the field, with BAD_USER_INPUT',
      bad instanceof ClientError && /noSuchField/.test(bad.response?.errors?.[0]?.message ?? '') &&
        codes(bad.response.errors).includes('BAD_USER_INPUT'),
      String(bad));
  });
  await attempt('graphql-request: batchRequests', async () => {
    const g = make(true);
    const results = await g.client.batchRequests([
      { document: ME },
      { document: USER_BY_SLUG, variables: { slug: 'grace.hopper' } },
    ]);
    check('graphql-request: batchRequests sends one POST with a JSON array of 2 operations',
      g.log.length === 1 && Array.isArray(g.log[0].body) && g.log[0].body.length === 2, g.log);
    check('graphql-request: batchRequests results in order',
      results?.[0]?.data?.me?.userName === 'ada.admin@example.com' && results?.[1]?.data?.userBySlug?.name === 'Grace Hopper',
      results);
  });
}

await apolloChecks();
await urqlChecks();
await graphqlRequestChecks();
console.log(`\nJS clients: ${passed} checks passed, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
